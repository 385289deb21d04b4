"""Workers' personal links (issue 20, portfolio/app/worker_links.py): made by a counselor,
opened as often as the worker likes for 90 days, revocable, never for a worker without consent,
erased by `forget`; and printed as a QR code on the dossier (`dossier_with_link`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer
from typer.testing import CliRunner

from portfolio import journal
from portfolio.app import tutor_links
from portfolio.app.link_check import check_links
from portfolio.app.worker_links import (
    WORKER_LINK_DAYS,
    WorkerLinkExpired,
    WorkerLinkInvalid,
    WorkerLinkRevoked,
    WorkerLinkUnavailable,
    dossier_with_link,
    linked_worker,
    links_of,
    make_link,
    open_link,
    revoke_link,
)
from portfolio.cli import app
from portfolio.issues import PortfolioError
from portfolio.load import load_workspace

DAY = dt.date(2002, 10, 15)
ADDRESS = "https://portfolio.example.org"

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
tasks:
  - {id: repassage, label: Repasser le linge, evidences: [b1.c1]}
  - {id: lessive, label: Faire la lessive, evidences: [b1.c2]}
"""

CONSENT = "consent: {given: true, date: 2002-09-20}\n"
WORKER = f"""\
id: w-1
first_name: Fatima
last_name: Benali
association: ai-est
targets: [tst]
{CONSENT}placements:
  - id: p1
    client: {{name: Mme D., kind: particulier}}
    start: 2002-10-01
    end: 2002-10-31
    hours: 20
    tasks: [repassage, lessive]
"""


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace({"referentiels/tst.yaml": TST, "workers/w-1.yaml": WORKER})


def record_file(root: Path, link_id: str) -> Path:
    return root / "worker-links" / f"{link_id}.json"


def tamper(token: str) -> str:
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


def without_consent(root: Path) -> None:
    path = root / "workers" / "w-1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(CONSENT, ""), encoding="utf-8")


# --- making a link ------------------------------------------------------------------------------


def test_a_link_is_recorded_and_journaled_and_carries_nothing_personal(root: Path) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    assert link.path == f"/mon-dossier/{link.token}"
    assert link.pdf_path == f"/mon-dossier/{link.token}/dossier.pdf"
    assert link.url(ADDRESS + "/") == f"{ADDRESS}/mon-dossier/{link.token}"
    # The address ends up in logs and on paper: it names nobody, not even by the worker's id.
    assert URLSafeSerializer("").loads_unsafe(link.token)[1] == link.record.id
    stored = json.loads(record_file(root, link.record.id).read_text(encoding="utf-8"))
    assert stored == {
        "id": link.record.id,
        "worker": "w-1",
        "created": "2002-10-15",
        "expires": "2003-01-13",
        "by": "m.martin",
        "state": "open",
        "revoked": None,
        "revoked_by": None,
    }
    (line,) = journal.read(root, "w-1")
    assert (line.login, line.action, line.entry) == ("m.martin", "dossier.link", None)
    assert links_of(root, "w-1") == [link.record]
    assert link.record.status(DAY) == "ouvert jusqu'au 12/01/2003"


def test_an_unknown_worker_gets_no_link_and_nothing_is_written(root: Path) -> None:
    with pytest.raises(PortfolioError, match="w-1"):
        make_link(root, "w-2", actor="m.martin", today=DAY)
    with pytest.raises(PortfolioError, match="identifiant de salarié"):
        make_link(root, "../w-1", actor="m.martin", today=DAY)
    assert not (root / "worker-links").exists()
    assert journal.read(root) == []


def test_a_worker_without_consent_gets_no_link(root: Path) -> None:
    without_consent(root)
    with pytest.raises(PortfolioError, match="consentement"):
        make_link(root, "w-1", actor="m.martin", today=DAY)
    assert not (root / "worker-links").exists()
    assert journal.read(root) == []


# --- opening it ---------------------------------------------------------------------------------


def test_a_link_opens_as_often_as_the_worker_likes_and_writes_nothing(root: Path) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    before = record_file(root, link.record.id).read_text(encoding="utf-8")
    for _ in range(3):
        assert open_link(root, link.token, today=DAY) == link
    assert record_file(root, link.record.id).read_text(encoding="utf-8") == before
    assert len(journal.read(root)) == 1
    ws, _ = load_workspace(root)
    assert linked_worker(ws, link).first_name == "Fatima"


def test_a_link_expires_after_90_days(root: Path) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    last = DAY + dt.timedelta(days=WORKER_LINK_DAYS - 1)
    assert link.record.last_day == last
    open_link(root, link.token, today=last)
    with pytest.raises(
        WorkerLinkExpired,
        match=r"^Ce lien a expiré le 13 janvier 2003\. Demandez un nouveau lien à votre ",
    ):
        open_link(root, link.token, today=last + dt.timedelta(days=1))
    assert links_of(root, "w-1")[0].status(last + dt.timedelta(days=1)) == "expiré le 13/01/2003"


def test_a_changed_character_or_another_key_or_workspace_is_refused(
    root: Path, monkeypatch, tmp_path: Path
) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    for token in (tamper(link.token), link.token[:-3], "", "n'importe quoi", link.record.id):
        with pytest.raises(WorkerLinkInvalid, match="Ce lien ne marche pas"):
            open_link(root, token, today=DAY)
    monkeypatch.setenv("PORTFOLIO_LINK_KEY", "la clé d'un autre serveur")
    with pytest.raises(WorkerLinkInvalid):
        open_link(root, link.token, today=DAY)
    monkeypatch.delenv("PORTFOLIO_LINK_KEY")
    other = tmp_path / "autre"
    (other / "workers").mkdir(parents=True)
    (other / "workers" / "w-1.yaml").write_text(WORKER, encoding="utf-8")
    with pytest.raises(WorkerLinkInvalid):  # same key, but no such record there
        open_link(other, link.token, today=DAY)
    record_file(root, link.record.id).write_text("{", encoding="utf-8")
    with pytest.raises(WorkerLinkInvalid):
        open_link(root, link.token, today=DAY)
    assert links_of(root, "w-1") == []


def test_a_tutors_token_does_not_open_a_dossier(root: Path) -> None:
    tutor = tutor_links.make_link(root, "w-1", "p1", actor="m.martin", today=DAY)
    with pytest.raises(WorkerLinkInvalid):
        open_link(root, tutor.token, today=DAY)
    mine = make_link(root, "w-1", actor="m.martin", today=DAY)
    with pytest.raises(tutor_links.LinkInvalid):
        tutor_links.open_link(root, mine.token, today=DAY)


def test_a_link_to_a_worker_whose_file_is_gone_no_longer_opens(root: Path) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    (root / "workers" / "w-1.yaml").unlink()
    with pytest.raises(WorkerLinkInvalid):
        open_link(root, link.token, today=DAY)


def test_a_withdrawn_consent_shows_nothing(root: Path) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    without_consent(root)
    ws, _ = load_workspace(root)
    opened = open_link(root, link.token, today=DAY)
    with pytest.raises(WorkerLinkUnavailable, match="Parlez-en à votre conseillère") as refused:
        linked_worker(ws, opened)
    assert "Fatima" not in str(refused.value) and "w-1" not in str(refused.value)


# --- revoking it --------------------------------------------------------------------------------


def test_a_revoked_link_no_longer_opens(root: Path) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    with pytest.raises(PortfolioError, match="inconnu"):
        revoke_link(root, link.record.id, "m.martin", worker="w-9", today=DAY)
    with pytest.raises(PortfolioError, match="inconnu"):
        revoke_link(root, "../../workers/w-1", "m.martin", today=DAY)
    later = DAY + dt.timedelta(days=3)
    revoked = revoke_link(root, link.record.id, "c.durand", worker="w-1", today=later)
    assert (revoked.state, revoked.revoked, revoked.revoked_by) == (
        "revoked",
        later,
        "c.durand",
    )
    with pytest.raises(WorkerLinkRevoked, match=r"Ce lien a été annulé le 18 octobre 2002\."):
        open_link(root, link.token, today=later)
    with pytest.raises(PortfolioError, match="déjà annulé le 18/10/2002 : rien n'a changé"):
        revoke_link(root, link.record.id, "m.martin", today=later)
    assert links_of(root, "w-1")[0].status(later) == "annulé le 18/10/2002"
    lines = journal.read(root, worker="w-1")
    assert [(e.action, e.login) for e in lines] == [
        ("dossier.link", "m.martin"),
        ("dossier.revoke", "c.durand"),
    ]


def test_links_are_listed_newest_first_and_only_the_workers_own(root: Path) -> None:
    first = make_link(root, "w-1", actor="m.martin", today=DAY)
    second = make_link(root, "w-1", actor="m.martin", today=DAY + dt.timedelta(days=1))
    other = record_file(root, "0123456789abcdef")
    other.write_text(
        record_file(root, first.record.id)
        .read_text()
        .replace('"w-1"', '"w-2"')
        .replace(first.record.id, "0123456789abcdef"),
        encoding="utf-8",
    )
    assert links_of(root, "w-1") == [second.record, first.record]
    assert [r.id for r in links_of(root, "w-2")] == ["0123456789abcdef"]


# --- forget -------------------------------------------------------------------------------------


def test_forget_erases_the_workers_personal_links(root: Path) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    record = record_file(root, link.record.id)
    other = record_file(root, "0123456789abcdef")
    other.write_text(record.read_text().replace('"w-1"', '"w-2"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["forget", "w-1", "--yes", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert f"worker-links/{link.record.id}.json" in result.output
    assert not record.exists()
    assert other.exists()
    with pytest.raises(WorkerLinkInvalid):
        open_link(root, link.token, today=DAY)


# --- the dossier printed with its link ----------------------------------------------------------


def test_the_dossier_is_printed_with_a_new_link_as_a_qr_code(root: Path) -> None:
    document, printed = dossier_with_link(root, "w-1", ADDRESS, DAY, actor="m.martin", today=DAY)
    assert document.kind == "dossier"
    assert printed.url.startswith(f"{ADDRESS}/mon-dossier/")
    assert printed.last_day == dt.date(2003, 1, 12)
    assert printed.qr_svg in document.html
    assert "12 janvier 2003" in document.html and "13 janvier 2003" not in document.html
    (record,) = links_of(root, "w-1")
    token = printed.url.rsplit("/", 1)[1]
    assert open_link(root, token, today=DAY).record == record
    assert [e.action for e in journal.read(root, worker="w-1")] == ["dossier.link"]
    large, _ = dossier_with_link(
        root, "w-1", ADDRESS, DAY, actor="m.martin", today=DAY, large_print=True
    )
    assert len(large.stylesheets) > len(document.stylesheets)  # the large print's own
    assert len(links_of(root, "w-1")) == 2


def test_a_refused_dossier_leaves_no_link(root: Path, monkeypatch) -> None:
    monkeypatch.delenv("PORTFOLIO_ADRESSE", raising=False)
    for address in (None, "", "portfolio.example.org", "ftp://portfolio.example.org"):
        with pytest.raises(PortfolioError, match="--adresse") as refused:
            dossier_with_link(root, "w-1", address, DAY, actor="m.martin", today=DAY)
        assert refused.value.exit_code == 2
    without_consent(root)
    with pytest.raises(PortfolioError, match="consentement"):
        dossier_with_link(root, "w-1", ADDRESS, DAY, actor="m.martin", today=DAY)
    assert not (root / "worker-links").exists()
    assert journal.read(root) == []


# --- portfolio check ----------------------------------------------------------------------------


def worker_link_issues(run) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(i.path, i.severity, i.message) for i in run.issues if i.path.startswith("worker-")]


def test_check_accepts_the_records_the_application_writes(root: Path, run_check) -> None:
    make_link(root, "w-1", actor="m.martin", today=DAY)
    revoked = make_link(root, "w-1", actor="m.martin", today=DAY)
    revoke_link(root, revoked.record.id, "m.martin", today=DAY)
    (root / "worker-links" / ".0123456789abcdef.json.x1y2.tmp").write_text("{", encoding="utf-8")
    assert check_links(root) == []
    assert worker_link_issues(run_check(root)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"state": "closed"}, "champ « state » invalide (open ou revoked)"),
        ({"revoked": "hier"}, "champ « revoked » invalide (date AAAA-MM-JJ ou null)"),
        ({"worker": None}, "champ « worker » invalide"),
        ({"id": "fedcba9876543210"}, "l'identifiant « fedcba9876543210 » de la fiche diffère"),
    ],
)
def test_check_says_what_is_wrong_with_a_record(
    root: Path, change: dict[str, object], expected: str
) -> None:
    """Every record `check` refuses is one that no longer opens."""
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    path = record_file(root, link.record.id)
    path.write_text(json.dumps({**json.loads(path.read_text("utf-8")), **change}), "utf-8")
    (issue,) = check_links(root)
    assert issue.is_error and expected in issue.message, issue.message
    assert issue.location.path == f"worker-links/{link.record.id}.json"
    assert issue.code.startswith("worker-link-")
    assert "supprimez ce fichier" in issue.message
    with pytest.raises(WorkerLinkInvalid):
        open_link(root, link.token, today=DAY)


def test_check_refuses_an_extra_field(root: Path) -> None:
    """A record holds no personal data: a field added by hand (a phone number) is an error."""
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    path = record_file(root, link.record.id)
    path.write_text(json.dumps({**json.loads(path.read_text("utf-8")), "tel": "06…"}), "utf-8")
    (issue,) = check_links(root)
    assert issue.is_error and "champ « tel » en trop" in issue.message


def test_check_prints_broken_records_as_errors_and_stray_files_as_warnings(
    root: Path, run_check
) -> None:
    link = make_link(root, "w-1", actor="m.martin", today=DAY)
    record_file(root, link.record.id).write_text('{"id": ', encoding="utf-8")
    (root / "worker-links" / "notes.txt").write_text("à faire\n", encoding="utf-8")
    gone = record_file(root, "0123456789abcdef")
    other = make_link(root, "w-1", actor="m.martin", today=DAY)
    data = json.loads(record_file(root, other.record.id).read_text("utf-8"))
    gone.write_text(json.dumps({**data, "id": "0123456789abcdef", "worker": "w-9"}), "utf-8")
    run = run_check(root)
    assert worker_link_issues(run) == [
        (
            "worker-links/0123456789abcdef.json",
            "avertissement",
            "lien pour le salarié « w-9 », qui n'a plus de fiche (workers/w-9.yaml) : supprimez "
            "ce fichier, ou lancez « portfolio forget w-9 » pour effacer tout ce qui reste de ce "
            "salarié",
        ),
        (
            f"worker-links/{link.record.id}.json",
            "erreur",
            "fiche illisible (JSON invalide : Expecting value) : ce lien ne s'ouvre plus : "
            "supprimez ce fichier (la conseillère fera un nouveau lien)",
        ),
        (
            "worker-links/notes.txt",
            "avertissement",
            "ce fichier n'est pas lu : le dossier worker-links/ ne contient que les fiches des "
            "liens personnels des salariés, <identifiant>.json (16 chiffres hexadécimaux) ; "
            "déplacez-le ou supprimez-le",
        ),
    ]
    assert run.exit_code == 1
