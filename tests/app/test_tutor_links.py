"""Tutors' links (SPEC §11, portfolio/app/tutor_links.py): made by a counselor, opened and filled
once by a tutor, expiring after 30 days; and printed on the paper grid (`grid --lien`)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from portfolio import journal
from portfolio.app.link_check import check_links
from portfolio.app.tutor_links import (
    GridInvalid,
    LinkExpired,
    LinkInvalid,
    LinkRevoked,
    LinkUsed,
    links_of,
    make_link,
    open_link,
    parse_levels,
    revoke_link,
    submit_grid,
)
from portfolio.cli import app
from portfolio.issues import PortfolioError
from portfolio.load import load_workspace

DAY = dt.date(2002, 10, 15)

TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
blocks:
  - id: b1
    title: Entretenir le linge
    competencies:
      - {id: c1, title: Repasser le linge, plain: Je sais repasser}
      - {id: c2, title: Laver le linge, plain: Je sais laver le linge}
      - {id: c3, title: Coudre, plain: Je sais coudre un bouton}
tasks:
  - {id: repassage, label: Repasser le linge, synonyms: [repassage], evidences: [b1.c1]}
  - {id: lessive, label: Faire la lessive, evidences: [b1.c2]}
  - {id: couture, label: Coudre, evidences: [b1.c3]}
"""

WORKER = """\
id: w-1
first_name: Fatima
last_name: Benali
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}
placements:
  - id: p1
    client: {name: Mme D., kind: particulier}
    start: 2002-10-01
    end: 2002-10-31
    hours: 20
    tutor: Mme D.
    tasks: [repassage, lessive]
"""


@pytest.fixture(autouse=True)
def own_link_key(monkeypatch) -> None:
    """The key file lives in the test's configuration folder, whatever the environment says."""
    monkeypatch.delenv("PORTFOLIO_LINK_KEY", raising=False)


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace({"referentiels/tst.yaml": TST, "workers/w-1.yaml": WORKER})


def worker_text(root: Path) -> str:
    return (root / "workers" / "w-1.yaml").read_text(encoding="utf-8")


def observations(root: Path):
    ws, issues = load_workspace(root)
    assert not [i for i in issues if i.is_error]
    return ws.workers["w-1"].observations


def tamper(token: str) -> str:
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


# --- making a link ------------------------------------------------------------------------------


def test_a_link_is_recorded_and_journaled_and_carries_nothing_personal(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    assert link.path == f"/tuteur/{link.token}"
    assert "Fatima" not in link.token and "Benali" not in link.token
    stored = json.loads((root / "tutor-links" / f"{link.record.id}.json").read_text())
    assert stored == {
        "id": link.record.id,
        "worker": "w-1",
        "placement": "p1",
        "created": "2002-10-15",
        "expires": "2002-11-14",
        "by": "m.martin",
        "state": "open",
        "closed": None,
        "closed_by": None,
    }
    (line,) = journal.read(root, "w-1")
    assert (line.login, line.action, line.entry) == ("m.martin", "tutor.link", "p1")
    assert links_of(root, "w-1") == [link.record]
    assert link.record.status(DAY) == "ouvert jusqu'au 13/11/2002"


def test_unknown_worker_or_placement_is_refused_with_the_closest_ids(root: Path) -> None:
    with pytest.raises(PortfolioError, match="w-1"):
        make_link(root, "w-2", "p1", actor="m.martin", today=DAY)
    with pytest.raises(PortfolioError, match=r"workers/w-1\.yaml.*« p2 ».*p1"):
        make_link(root, "w-1", "p2", actor="m.martin", today=DAY)
    assert not (root / "tutor-links").exists()
    assert journal.read(root) == []


def test_a_worker_without_consent_gets_no_link(root: Path) -> None:
    path = root / "workers" / "w-1.yaml"
    path.write_text(worker_text(root).replace("consent: {given: true, date: 2002-09-20}\n", ""))
    with pytest.raises(PortfolioError, match="consentement"):
        make_link(root, "w-1", "p1", actor="m.martin", today=DAY)


# --- opening it ---------------------------------------------------------------------------------


def test_the_form_shows_the_first_name_the_placement_and_the_evidenced_competencies(
    root: Path,
) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    form = open_link(root, link.token, today=DAY)
    assert form.first_name == "Fatima"
    assert "Benali" not in repr(form)
    assert (form.placement, form.client, form.tutor) == ("p1", "Mme D.", "Mme D.")
    assert (form.start, form.end, form.last_day) == (
        dt.date(2002, 10, 1),
        dt.date(2002, 10, 31),
        dt.date(2002, 11, 13),
    )
    (group,) = form.groups
    assert group.title == "Référentiel de test — Entretenir le linge"
    rows = [(row.field, row.plain) for row in group.rows]
    # The paper grid's selection: couture is not a task of p1, so c3 is not asked.
    assert rows == [
        ("level:tst.b1.c1", "Je sais repasser"),
        ("level:tst.b1.c2", "Je sais laver le linge"),
    ]
    assert [n for n, _, _ in form.levels] == [1, 2, 3, 4]


def test_a_link_expires_after_30_days(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    open_link(root, link.token, today=DAY + dt.timedelta(days=29))
    with pytest.raises(
        LinkExpired, match="ce lien a expiré le 14/11/2002 : demandez-en un nouveau"
    ):
        open_link(root, link.token, today=DAY + dt.timedelta(days=30))
    with pytest.raises(LinkExpired):
        submit_grid(
            root, link.token, {"tst.b1.c1": 3}, None, "Mme D.", today=DAY + dt.timedelta(days=31)
        )
    assert "observations" not in worker_text(root)


def test_a_changed_character_or_an_unknown_link_is_refused(root: Path, monkeypatch) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    for token in (tamper(link.token), link.token[:-3], "", "n'importe quoi"):
        with pytest.raises(LinkInvalid, match="ce lien n'est pas valide"):
            open_link(root, token, today=DAY)
    monkeypatch.setenv("PORTFOLIO_LINK_KEY", "une autre clé")
    with pytest.raises(LinkInvalid):
        open_link(root, link.token, today=DAY)
    monkeypatch.delenv("PORTFOLIO_LINK_KEY")
    (root / "tutor-links" / f"{link.record.id}.json").unlink()
    with pytest.raises(LinkInvalid):
        open_link(root, link.token, today=DAY)


def test_a_link_to_a_forgotten_worker_no_longer_opens(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    (root / "workers" / "w-1.yaml").unlink()
    with pytest.raises(LinkInvalid, match="aucune fiche"):
        open_link(root, link.token, today=DAY)


def test_a_revoked_link_no_longer_opens(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    with pytest.raises(PortfolioError, match="inconnu"):
        revoke_link(root, link.record.id, "m.martin", worker="w-9", today=DAY)
    revoked = revoke_link(root, link.record.id, "m.martin", worker="w-1", today=DAY)
    assert (revoked.state, revoked.closed_by) == ("revoked", "m.martin")
    with pytest.raises(LinkRevoked, match="annulé le 15/10/2002"):
        open_link(root, link.token, today=DAY)
    with pytest.raises(LinkRevoked):
        submit_grid(root, link.token, {"tst.b1.c1": 3}, None, "Mme D.", today=DAY)
    with pytest.raises(PortfolioError, match="déjà fermé"):
        revoke_link(root, link.record.id, "m.martin", today=DAY)
    assert links_of(root, "w-1")[0].status(DAY) == "annulé le 15/10/2002"
    assert "observations" not in worker_text(root)
    assert [e.action for e in journal.read(root, worker="w-1")] == ["tutor.link", "tutor.revoke"]


# --- submitting the grid ------------------------------------------------------------------------


def test_a_submitted_grid_is_recorded_once_then_the_link_is_closed(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    change = submit_grid(
        root,
        link.token,
        {"tst.b1.c1": 3, "tst.b1.c2": None},
        "Très soigneuse.",
        "Mme D.",
        today=DAY,
    )
    assert change.entry == "p1"
    (obs,) = observations(root)
    assert (obs.by, obs.role, obs.placement, obs.competency, obs.level, obs.date, obs.note) == (
        "Mme D.",
        "tuteur",
        "p1",
        "tst.b1.c1",
        3,
        DAY,
        "Très soigneuse.",
    )
    lines = journal.read(root, "w-1")
    assert [(e.action, e.login, e.entry) for e in lines] == [
        ("tutor.link", "m.martin", "p1"),
        ("tutor.grid", f"tuteur:{link.record.id}", "p1"),
    ]
    written = worker_text(root)
    with pytest.raises(LinkUsed, match="cette grille a déjà été remplie le 15/10/2002"):
        submit_grid(root, link.token, {"tst.b1.c2": 2}, None, "Mme D.", today=DAY)
    with pytest.raises(LinkUsed):
        open_link(root, link.token, today=DAY + dt.timedelta(days=1))
    assert worker_text(root) == written
    assert len(journal.read(root, "w-1")) == 2
    (record,) = links_of(root, "w-1")
    assert (record.state, record.closed, record.closed_by) == (
        "closed",
        DAY,
        f"tuteur:{link.record.id}",
    )


def test_the_remark_goes_with_the_first_observation_only(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    submit_grid(root, link.token, {"tst.b1.c2": 2, "tst.b1.c1": 4}, "Bien.", "Mme D.", today=DAY)
    # In the grid's order (c1 first), whatever the order of the answers.
    assert [(o.competency, o.level, o.note) for o in observations(root)] == [
        ("tst.b1.c1", 4, "Bien."),
        ("tst.b1.c2", 2, None),
    ]
    assert len(journal.read(root, "w-1")) == 2


def test_two_submissions_at_once_write_once(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(level: int) -> None:
        start.wait()
        try:
            submit_grid(root, link.token, {"tst.b1.c1": level}, None, "Mme D.", today=DAY)
            outcomes.append("written")
        except LinkUsed:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(n,)) for n in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "written"]
    assert len(observations(root)) == 1
    assert [e.action for e in journal.read(root, "w-1")] == ["tutor.link", "tutor.grid"]


def test_answers_are_checked_and_nothing_is_written_when_refused(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    before = worker_text(root)
    cases = [
        ({"tst.b1.c1": None, "tst.b1.c2": None}, "Mme D.", ""),
        ({"tst.b1.c1": 5}, "Mme D.", "level:tst.b1.c1"),
        ({"tst.b1.c1": True}, "Mme D.", "level:tst.b1.c1"),
        ({"tst.b1.c3": 3}, "Mme D.", ""),
        ({"tst.b1.c1": 3}, "   ", "by"),
    ]
    for levels, name, field in cases:
        with pytest.raises(GridInvalid) as refused:
            submit_grid(root, link.token, levels, None, name, today=DAY)
        assert field in refused.value.fields, (levels, name)
        assert "rien n'a été enregistré" in str(refused.value)
    assert worker_text(root) == before
    assert links_of(root, "w-1")[0].state == "open"


@pytest.mark.parametrize(
    ("name", "note", "field"),
    [
        ("x" * 10_000, None, "by"),
        ("Mme D.", "y" * 10_000, "note"),
        ("Mme\x00 D.", None, "by"),
        ("Mme\u202e D.", None, "by"),
        ("Mme D.", "bien\x1b[31m", "note"),
    ],
)
def test_hostile_text_gets_a_french_field_error(root: Path, name: str, note, field: str) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    with pytest.raises(GridInvalid) as refused:
        submit_grid(root, link.token, {"tst.b1.c1": 3}, note, name, today=DAY)
    assert list(refused.value.fields) == [field]
    assert "observations" not in worker_text(root)


def test_markup_and_template_syntax_are_stored_as_text(root: Path) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    name = "<b>Mme D.</b> {{ 7*7 }}: # ' \""
    note = "<script>alert(1)</script>\n{% raw %}ligne 2 : - [x]"
    submit_grid(root, link.token, {"tst.b1.c1": 3}, note, name, today=DAY)
    (obs,) = observations(root)
    assert (obs.by, obs.note) == (name, note)


def test_parse_levels_reads_the_posted_fields() -> None:
    posted = {"csrf_token": "t", "level:tst.b1.c1": "3", "level:tst.b1.c2": "", "note": "x"}
    assert parse_levels(posted) == {"tst.b1.c1": 3, "tst.b1.c2": None}
    with pytest.raises(GridInvalid) as refused:
        parse_levels({"level:tst.b1.c1": "trois"})
    assert list(refused.value.fields) == ["level:tst.b1.c1"]


# --- the paper grid -----------------------------------------------------------------------------


def test_grid_with_a_link_prints_its_address_and_a_qr_code(root: Path, tmp_path: Path) -> None:
    output = tmp_path / "grille.pdf"
    result = CliRunner().invoke(
        app,
        [
            "grid", "w-1", "--placement", "p1", "--lien", "--adresse",
            "https://portfolio.example.org/", "-o", str(output), "-w", str(root),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (record,) = links_of(root, "w-1")
    printed = result.stdout.split("Lien pour le tuteur")[1]
    url = "https://portfolio.example.org/tuteur/" + printed.split("/tuteur/")[1].split()[0]
    assert record.state == "open"
    assert open_link(root, url.rsplit("/", 1)[1], today=record.created).placement == "p1"
    reader = PdfReader(output)
    text = "".join("".join((page.extract_text() or "").split()) for page in reader.pages)
    assert url in text
    assert any(page.images for page in reader.pages)


def test_grid_with_a_link_needs_an_http_address(root: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PORTFOLIO_ADRESSE", raising=False)
    output = tmp_path / "grille.pdf"
    for extra in ([], ["--adresse", "portfolio.example.org"]):
        result = CliRunner().invoke(
            app, ["grid", "w-1", "--lien", *extra, "-o", str(output), "-w", str(root)]
        )
        assert result.exit_code == 2, result.stderr
        assert "--adresse" in result.stderr
    assert not output.exists()
    assert not (root / "tutor-links").exists()


def test_forget_deletes_the_records_of_the_workers_links(root: Path) -> None:
    from typer.testing import CliRunner

    from portfolio.cli import app

    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    record = root / "tutor-links" / f"{link.record.id}.json"
    other = root / "tutor-links" / "0123456789abcdef.json"
    other.write_text(record.read_text().replace('"w-1"', '"w-2"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["forget", "w-1", "--yes", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert not record.exists()
    assert other.exists()


# --- portfolio check ----------------------------------------------------------------------------


def record_file(root: Path, link_id: str) -> Path:
    return root / "tutor-links" / f"{link_id}.json"


def link_issues(run) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(i.path, i.severity, i.message) for i in run.issues if i.path.startswith("tutor-links")]


def test_check_accepts_the_records_the_application_writes(root: Path, run_check) -> None:
    used = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    submit_grid(root, used.token, {"tst.b1.c1": 3}, None, "Mme D.", today=DAY)
    revoked = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    revoke_link(root, revoked.record.id, "m.martin", today=DAY)
    make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    (root / "tutor-links" / ".0123456789abcdef.json.x1y2.tmp").write_text("{", encoding="utf-8")
    assert check_links(root) == []
    assert link_issues(run_check(root)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"id": "0123456789abcdef",', "fiche illisible (JSON invalide"),
        ("[1, 2]", "un objet JSON est attendu"),
        ('{"id": "0123456789abcdef"}', "champ « worker » manquant"),
        ("STATE:fini", "champ « state » invalide (open, closed ou revoked)"),
        ("CREATED:15/10/2002", "champ « created » invalide (date AAAA-MM-JJ)"),
        ("WORKER:../w-1", "champ « worker » invalide"),
        ("ID:fedcba9876543210", "l'identifiant « fedcba9876543210 » de la fiche diffère"),
    ],
)
def test_check_says_what_is_wrong_with_a_record(root: Path, text: str, expected: str) -> None:
    """Every record `check` refuses is one whose grid cannot be submitted either."""
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    path = record_file(root, link.record.id)
    if ":" in text and not text.startswith(("{", "[")):
        field, _, value = text.partition(":")
        data = json.loads(path.read_text(encoding="utf-8"))
        data[field.lower()] = value
        text = json.dumps(data)
    path.write_text(text, encoding="utf-8")
    (issue,) = check_links(root)
    assert issue.is_error and expected in issue.message, issue.message
    assert issue.location.path == f"tutor-links/{link.record.id}.json"
    assert "supprimez ce fichier" in issue.message
    with pytest.raises(LinkInvalid):
        submit_grid(root, link.token, {"tst.b1.c1": 3}, None, "Mme D.", today=DAY)
    assert "observations" not in worker_text(root)


def test_check_refuses_an_extra_field(root: Path) -> None:
    """A record holds no personal data: a field added by hand (a name, a phone) is an error."""
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    path = record_file(root, link.record.id)
    data = {**json.loads(path.read_text(encoding="utf-8")), "tuteur": "Mme Dupont, 06…"}
    path.write_text(json.dumps(data), encoding="utf-8")
    (issue,) = check_links(root)
    assert issue.is_error and "champ « tuteur » en trop" in issue.message


def test_check_prints_broken_records_as_errors_and_stray_files_as_warnings(
    root: Path, run_check
) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    record_file(root, link.record.id).write_text('{"id": ', encoding="utf-8")
    (root / "tutor-links" / "notes.txt").write_text("à faire\n", encoding="utf-8")
    run = run_check(root)
    assert link_issues(run) == [
        (
            f"tutor-links/{link.record.id}.json",
            "erreur",
            "fiche illisible (JSON invalide : Expecting value) : ce lien ne s'ouvre plus : "
            "supprimez ce fichier (la conseillère fera un nouveau lien)",
        ),
        (
            "tutor-links/notes.txt",
            "avertissement",
            "ce fichier n'est pas lu : le dossier tutor-links/ ne contient que les fiches des "
            "liens pour tuteurs, <identifiant>.json (16 chiffres hexadécimaux) ; déplacez-le ou "
            "supprimez-le",
        ),
    ]
    assert f"tutor-links/{link.record.id}.json:1:8: erreur: fiche illisible" in run.output
    assert run.exit_code == 1


def test_check_warns_of_a_link_whose_worker_or_placement_is_gone(root: Path, run_check) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    path = record_file(root, link.record.id)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "placement": "p7"}), encoding="utf-8")
    gone = record_file(root, "0123456789abcdef")
    gone.write_text(json.dumps({**data, "id": "0123456789abcdef", "worker": "w-9"}))
    run = run_check(root)
    assert link_issues(run) == [
        (
            "tutor-links/0123456789abcdef.json",
            "avertissement",
            "lien pour le salarié « w-9 », qui n'a plus de fiche (workers/w-9.yaml) : supprimez "
            "ce fichier, ou lancez « portfolio forget w-9 » pour effacer tout ce qui reste de ce "
            "salarié",
        ),
        (
            f"tutor-links/{link.record.id}.json",
            "avertissement",
            "lien pour la mise à disposition « p7 », absente de workers/w-1.yaml (mises à "
            "disposition : p1) : ce lien ne mène plus nulle part ; supprimez ce fichier",
        ),
    ]
    assert run.exit_code == 0


def test_check_does_not_read_a_record_leading_outside_the_workspace(
    root: Path, tmp_path: Path
) -> None:
    link = make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    outside = tmp_path / "ailleurs.json"
    outside.write_text(record_file(root, link.record.id).read_text(encoding="utf-8"))
    record_file(root, link.record.id).unlink()
    record_file(root, link.record.id).symlink_to(outside)
    (issue,) = check_links(root)
    assert issue.is_error and "hors de l'espace de travail" in issue.message
