"""Importing a timesheet in the browser (SPEC §11 `/import`): upload, preview, confirm, with the
limits and the planning of `portfolio import timesheet`, within the account's scope."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from web_support import OTHER_WORKER, OWN_WORKER, csrf_of

from portfolio import journal
from portfolio.app.uploads import MAX_UPLOAD_BYTES
from portfolio.web import import_page

HEADER = "salarie;client;type_client;date;heures;taches\n"
OWN_ROWS = (
    "fatima-b;Mme Delorme;particulier;07/09/2026;2;ménage | repassage\n"
    "fatima-b;Mme Delorme;particulier;14/09/2026;2;ménage | repassage\n"
    "dominique-r;Centre social des Buers;association;14/09/2026;3,5;classement\n"
)
SHEET = HEADER + OWN_ROWS
BAD_DATE = "fatima-b;M. et Mme Garnier;particulier;31/11/2026;3;courses\n"


def files_of(root: Path) -> dict[str, bytes]:
    """Every file of the workspace, to see that nothing was written."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def upload(client, content: bytes | str, name: str = "heures.csv", max_gap: str = "7"):  # type: ignore[no-untyped-def]
    data = content.encode() if isinstance(content, str) else content
    token = csrf_of(client.get("/import").text)
    return client.post(
        "/import",
        data={"csrf_token": token, "max_gap": max_gap},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def confirm(client, preview, skip_invalid: bool = False):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_of(preview.text), "token": token_of(preview.text)}
    if skip_invalid:
        data["skip_invalid"] = "oui"
    return client.post("/import/confirmer", data=data, follow_redirects=False)


def token_of(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, "no confirmation form on the page"
    return found.group(1)


def text_of(page: str) -> str:
    """The page as read: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def pending(client) -> int:  # type: ignore[no-untyped-def]
    return len(client.app.state.web.uploads._uploads)


def test_the_form_takes_a_file_and_explains_the_columns(make_client):
    page = make_client("counselor").get("/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert '<input id="champ-file" name="file" type="file" accept=".csv,.xlsx"' in page.text
    assert 'name="csrf_token"' in page.text and 'name="max_gap" ' in page.text
    assert 'value="7"' in page.text
    said = text_of(page.text)
    assert "Les colonnes attendues" in said and "type_client" in said and "Exemple" in said
    assert '<a href="/import" aria-current="page">Importer</a>' in page.text


def test_a_trainer_imports_nothing(make_client):
    client = make_client("trainer")
    assert client.get("/import").status_code == 403
    token = csrf_of(client.get("/").text)
    refused = client.post(
        "/import", data={"csrf_token": token}, files={"file": ("h.csv", SHEET.encode())}
    )
    assert refused.status_code == 403
    assert "Importer</a>" not in client.get("/").text


def test_the_preview_shows_the_placements_and_writes_nothing(make_client, web_root):
    client = make_client("federation")
    before = files_of(web_root)
    preview = upload(client, SHEET)
    assert preview.status_code == 200
    said = text_of(preview.text)
    assert "Aperçu de l'import : heures.csv" in said
    assert "Rien n'a encore été écrit. 2 mises à disposition à ajouter pour 2 salariés" in said
    assert "fatima-b p4 Mme Delorme (particulier) du 07/09/2026 au 14/09/2026 4 h" in said
    assert "ménage, repassage lignes 2 à 3" in said
    assert "dominique-r p3 Centre social des Buers (association) le 14/09/2026 3,5 h" in said
    assert "Importer 2 mises à disposition" in said
    assert files_of(web_root) == before
    assert pending(client) == 1


def test_confirming_writes_each_placement_with_its_journal_line(make_client, web_root):
    client = make_client("counselor")
    done = confirm(client, upload(client, SHEET))
    assert done.status_code == 303 and done.headers["location"] == "/"
    fatima = (web_root / "workers" / f"{OWN_WORKER}.yaml").read_text(encoding="utf-8")
    assert "id: p4" in fatima and "Mme Delorme" in fatima
    lines = [e for e in journal.read(web_root) if e.action == "timesheet.import"]
    assert [(e.login, e.worker, e.entry) for e in lines] == [
        ("conseil", "dominique-r", "p3"),
        ("conseil", OWN_WORKER, "p4"),
    ]
    home = text_of(client.get("/").text)
    assert (
        "Import terminé : 2 mises à disposition ajoutées pour 2 salariés "
        "(dominique-r : p3 ; fatima-b : p4)." in home
    )
    assert pending(client) == 0


def test_a_confirmation_cannot_be_replayed(make_client, web_root):
    client = make_client("counselor")
    preview = upload(client, SHEET)
    assert confirm(client, preview).status_code == 303
    after = files_of(web_root)
    replay = confirm(client, preview)
    assert replay.status_code == 410
    assert "cet aperçu n'est plus disponible" in text_of(replay.text)
    assert files_of(web_root) == after


def test_the_import_of_one_worker_links_to_their_placements(make_client):
    client = make_client("counselor")
    only = HEADER + OWN_ROWS.splitlines(keepends=True)[0]
    confirm(client, upload(client, only))
    home = client.get("/").text
    assert f'<a href="/salaries/{OWN_WORKER}#missions">Voir ses missions</a>' in home


def test_refused_rows_are_listed_and_stop_the_import_unless_skipped(make_client, web_root):
    client = make_client("counselor")
    preview = upload(client, SHEET + BAD_DATE)
    assert preview.status_code == 200
    said = text_of(preview.text)
    assert "Lignes refusées (1)" in said
    assert "ligne 5 colonne D (date) la date « 31/11/2026 »" in said
    assert "Importer seulement les lignes valides (1 ligne refusée laissée de côté)" in said
    before = files_of(web_root)
    stopped = confirm(client, preview)
    assert stopped.status_code == 400
    assert "1 ligne refusée : rien n'a été écrit" in text_of(stopped.text)
    assert 'aria-invalid="true" aria-describedby="erreur-skip_invalid"' in stopped.text
    assert files_of(web_root) == before
    done = confirm(client, stopped, skip_invalid=True)
    assert done.status_code == 303
    home = text_of(client.get("/").text)
    assert "1 ligne refusée laissée de côté." in home
    assert "31/11/2026" not in (web_root / "workers" / f"{OWN_WORKER}.yaml").read_text()


def test_rows_already_imported_are_listed_with_nothing_to_confirm(make_client):
    client = make_client("counselor")
    confirm(client, upload(client, SHEET))
    again = upload(client, SHEET)
    said = text_of(again.text)
    assert "aucune mise à disposition à ajouter ; 3 lignes déjà importées" in said.lower()
    assert "lignes 2 à 3 déjà importées (fatima-b, mise à disposition p4)" in said
    assert "Il n'y a rien à importer." in said
    assert 'name="token"' not in again.text


def test_a_plan_changed_since_the_preview_is_shown_again_instead_of_written(make_client, web_root):
    first, second = make_client("counselor"), make_client("federation")
    seen = upload(first, SHEET)
    assert confirm(second, upload(second, SHEET)).status_code == 303
    written = files_of(web_root)
    changed = confirm(first, seen)
    assert changed.status_code == 409
    said = text_of(changed.text)
    assert "les fiches des salariés ont changé depuis l'aperçu" in said
    assert "lignes 2 à 3 déjà importées (fatima-b, mise à disposition p4)" in said
    assert files_of(web_root) == written
    assert len([e for e in journal.read(web_root) if e.action == "timesheet.import"]) == 2


def test_an_unchanged_plan_is_written_even_if_other_files_changed(make_client, web_root):
    client = make_client("counselor")
    preview = upload(client, SHEET)
    other = web_root / "workers" / f"{OTHER_WORKER}.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "# relu\n", encoding="utf-8")
    assert confirm(client, preview).status_code == 303


def test_a_counselor_sees_another_associations_worker_as_unknown(make_client):
    rows = (
        f"{OTHER_WORKER};Mme Delorme;particulier;07/09/2026;2;\n"
        "zorro-q;X;particulier;07/09/2026;2;\n"
    )
    preview = upload(make_client("counselor"), HEADER + rows)
    said = text_of(preview.text)
    other = re.search(r"ligne 2 colonne A \(salarie\) (.*?) ligne 3", said)
    nobody = re.search(r"ligne 3 colonne A \(salarie\) (.*?) Confirmer", said)
    assert other and nobody
    assert other.group(1).replace(OTHER_WORKER, "zorro-q") == nobody.group(1)
    assert "Aucune mise à disposition à ajouter" in said


def test_a_counselor_is_never_offered_another_associations_worker(make_client):
    typo = (
        HEADER
        + "kevin-tt;Mme Delorme;particulier;07/09/2026;2;\nKevin T;X;particulier;08/09/2026;2;\n"
    )
    federation = text_of(upload(make_client("federation"), typo).text)
    assert "vouliez-vous dire kevin-t" in federation.lower()
    counselor = text_of(upload(make_client("counselor"), typo).text)
    assert "kevin-t " not in counselor.replace("kevin-tt", "") and "Kevin T." not in counselor
    assert "salarié inconnu « kevin-tt »" in counselor


def test_an_upload_without_its_csrf_token_is_refused_before_the_file_is_kept(make_client):
    client = make_client("federation")
    for data in ({}, {"csrf_token": "faux"}):
        refused = client.post("/import", data=data, files={"file": ("h.csv", SHEET.encode())})
        assert refused.status_code == 403
        assert "Formulaire expiré ou venu d'ailleurs" in text_of(refused.text)
    assert pending(client) == 0
    plain = client.post("/import", data={"max_gap": "7"})
    assert plain.status_code == 403
    assert client.post("/import/confirmer", data={"token": "x"}).status_code == 403


def test_the_file_before_the_token_is_refused_without_being_kept(make_client):
    client = make_client("federation")
    token = csrf_of(client.get("/import").text)
    boundary = "limite"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\n\r\n'
        f'{SHEET}\r\n--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{token}\r\n--{boundary}--\r\n"
    ).encode()
    refused = client.post(
        "/import",
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert refused.status_code == 403
    assert pending(client) == 0


def test_a_file_over_the_commands_limit_is_refused_unread(make_client):
    client = make_client("counselor")
    big = upload(client, b"a" * (MAX_UPLOAD_BYTES + 1))
    assert big.status_code == 413
    said = text_of(big.text)
    assert "le fichier dépasse les 20 Mo permis pour une feuille de temps" in said
    assert 'aria-invalid="true"' in big.text
    assert pending(client) == 0


def test_a_body_growing_past_the_limit_stops_being_read(make_client, monkeypatch):
    monkeypatch.setattr(import_page, "MAX_UPLOAD_BYTES", 1000)
    client = make_client("counselor")
    big = upload(client, SHEET * 100)
    assert big.status_code == 413
    assert pending(client) == 0


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ("../../etc/passwd", "passwd : format non reconnu « sans extension »"),
        ("..\\..\\windows\\win.ini", "win.ini : format non reconnu « .ini »"),
        ("heures.pdf", "heures.pdf : format non reconnu « .pdf »"),
        ("", "choisissez la feuille de temps à importer"),
    ],
)
def test_a_file_name_that_is_not_a_timesheet_is_refused(make_client, web_root, sent, said):
    client = make_client("federation")
    before = files_of(web_root)
    refused = upload(client, SHEET, name=sent)
    assert refused.status_code == 400
    assert said in text_of(refused.text)
    assert files_of(web_root) == before and pending(client) == 0


def test_a_hostile_file_name_is_reduced_to_a_plain_name(make_client):
    client = make_client("federation")
    shown = upload(client, SHEET, name="../../<img src=x onerror=alert(1)>.csv")
    assert shown.status_code == 200
    assert "<img" not in shown.text
    assert "Aperçu de l'import : _img src_x onerror_alert(1)_.csv" in text_of(shown.text)
    store = client.app.state.web.uploads
    (kept,) = store._uploads.values()
    assert kept.path.name == "_img src_x onerror_alert(1)_.csv"
    assert kept.path.parent.parent == Path(store._folder.name)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_is_previewed_like_a_csv(make_client):
    import datetime as dt

    content = xlsx(
        [
            ["Relevé d'heures"],
            ["salarie", "client", "type_client", "date", "heures"],
            ["fatima-b", "Mme Delorme", "particulier", dt.date(2026, 9, 7), 2],
            ["Fatima B.", "Mme Delorme", "particulier", dt.date(2026, 9, 14), 2.5],
        ]
    )
    preview = upload(make_client("counselor"), content, name="heures.xlsx")
    assert preview.status_code == 200
    said = text_of(preview.text)
    assert "Noms des colonnes lus ligne 2 ; titres ignorés : ligne 1." in said
    assert "p4 Mme Delorme (particulier) du 07/09/2026 au 14/09/2026 4,5 h" in said
    assert "écrit « Fatima B. »" in said


def zipped() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "x")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("vide.csv", b"", "vide.csv est vide"),
        ("titres.csv", b"salarie;client\n", "titres.csv, ligne 1 : colonnes manquantes"),
        ("binaire.csv", b"\x00\x01\x02PDF\x00", "binaire.csv n'est pas un fichier texte .csv"),
        ("classeur.csv", xlsx([["a"]]), "classeur.csv est un classeur (.xlsx)"),
        ("faux.xlsx", SHEET.encode(), "faux.xlsx n'est pas un classeur Excel"),
        ("abime.xlsx", zipped(), "impossible de lire le classeur Excel « abime.xlsx »"),
        (
            "guillemet.csv",
            (HEADER + 'fatima-b;"Mme Delorme;particulier;07/09/2026;2;\n' + "x" * 200_000).encode(),
            "guillemet.csv, ligne",
        ),
    ],
)
def test_a_broken_file_gets_a_french_message_naming_it(make_client, web_root, name, content, said):
    client = make_client("counselor")
    before = files_of(web_root)
    refused = upload(client, content, name=name)
    assert refused.status_code == 400
    text = text_of(refused.text)
    assert said in text
    assert "Traceback" not in refused.text
    assert files_of(web_root) == before and pending(client) == 0


def test_a_windows_1252_file_is_read_as_the_command_reads_it(make_client):
    sheet = HEADER + "fatima-b;Mme Delorme;particulier;07/09/2026;2;ménage\n"
    preview = upload(make_client("counselor"), sheet.encode("cp1252"))
    assert preview.status_code == 200
    assert "ménage" in text_of(preview.text)


@pytest.mark.parametrize("gap", ["abc", "-1", "367", "1e3", "²", "٣", "7" * 10_000])
def test_the_gap_must_be_a_number_of_days(make_client, gap):
    client = make_client("counselor")
    refused = upload(client, SHEET, max_gap=gap)
    assert refused.status_code == 400
    assert "n'est pas un nombre de jours entre 0 et 366" in text_of(refused.text)
    assert f'value="{gap[:20]}"' in refused.text
    assert (
        'id="champ-max_gap" name="max_gap"' in refused.text
        and 'aria-invalid="true"' in refused.text
    )
    assert pending(client) == 0


def test_the_gap_decides_how_rows_are_grouped(make_client):
    client = make_client("counselor")
    apart = text_of(upload(client, SHEET, max_gap="0").text)
    assert "3 mises à disposition à ajouter pour 2 salariés" in apart
    assert "Écart permis entre deux journées chez le même client : 0 jour." in apart


def test_another_logins_token_is_not_theirs(make_client):
    mine = make_client("counselor")
    preview = upload(mine, SHEET)
    other = make_client("federation")
    token = csrf_of(other.get("/import").text)
    stolen = other.post(
        "/import/confirmer",
        data={"csrf_token": token, "token": token_of(preview.text)},
        follow_redirects=False,
    )
    assert stolen.status_code == 410
    assert pending(mine) == 1


def test_the_example_on_the_page_imports_as_it_says(make_client):
    client = make_client("counselor")
    page = client.get("/import").text
    example = page.split('id="exemple"')[1]
    rows = re.findall(r"<tr>(.*?)</tr>", example, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r) for r in rows]
    sheet = "\n".join(";".join(html.unescape(c) for c in row) for row in cells) + "\n"
    said = text_of(upload(client, sheet).text)
    assert "2 mises à disposition à ajouter pour 2 salariés" in said
    assert "du 07/09/2026 au 21/09/2026 6,5 h" in said
