"""Uploaded timesheets (SPEC §11 `/import`): plain file names, a store bound to the login that
sent the file, planning within a counselor's scope, a preview that changes with the plan."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from portfolio.app.recording import plan_timesheet
from portfolio.app.uploads import (
    MAX_PENDING_PER_LOGIN,
    UPLOAD_SECONDS,
    UploadStore,
    check_content,
    preview,
    run_import,
    safe_file_name,
)
from portfolio.issues import PortfolioError
from portfolio.resources import demo_dir

TODAY = dt.date(2026, 11, 20)
ROWS = (
    "salarie;client;type_client;date;heures\n"
    "fatima-b;Mme Delorme;particulier;07/09/2026;2\n"
    "kevin-t;Mme Delorme;particulier;07/09/2026;2\n"
    "cassé;Mme Delorme;particulier;07/09/2026;2\n"
)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("heures.csv", "heures.csv"),
        ("Heures Septembre.XLSX", "Heures Septembre.xlsx"),
        ("C:\\Users\\moi\\heures.csv", "heures.csv"),
        ("../../heures.csv", "heures.csv"),
        ("..csv", "feuille-de-temps.csv"),
        (".csv", "feuille-de-temps.csv"),
        ("a\x00b\x1b[31m.csv", "a_b__31m.csv"),
        ("relevé d'heures.csv", "relevé d_heures.csv"),
        ("x" * 300 + ".csv", "x" * 76 + ".csv"),
        ("... .csv", "feuille-de-temps.csv"),
    ],
)
def test_a_sent_name_becomes_a_plain_file_name(sent, kept):
    assert safe_file_name(sent) == kept


@pytest.mark.parametrize("sent", ["../../etc/passwd", "heures.pdf", "", "heures.csv/", "..."])
def test_a_name_without_a_timesheet_suffix_is_refused(sent):
    with pytest.raises(PortfolioError, match="format non reconnu"):
        safe_file_name(sent)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_upload_belongs_to_its_login_and_expires():
    clock = Clock()
    store = UploadStore(clock=clock)
    upload = store.create("conseil", "heures.csv")
    upload.path.write_text("x", encoding="utf-8")
    assert store.get(upload.token, "conseil") is upload
    assert store.get(upload.token, "fede") is None
    assert store.get("pas-un-jeton", "conseil") is None
    clock.now += UPLOAD_SECONDS
    assert store.get(upload.token, "conseil") is None
    assert not upload.path.parent.exists()


def test_a_login_keeps_a_few_uploads_only():
    store = UploadStore(clock=Clock())
    made = [store.create("conseil", "heures.csv") for _ in range(MAX_PENDING_PER_LOGIN + 1)]
    assert store.get(made[0].token, "conseil") is None
    assert all(store.get(u.token, "conseil") for u in made[1:])
    other = store.create("fede", "heures.csv")
    assert store.get(other.token, "fede") is other


def test_a_discarded_upload_leaves_no_file():
    store = UploadStore()
    upload = store.create("conseil", "heures.csv")
    upload.path.write_text("x", encoding="utf-8")
    store.discard(upload.token)
    assert not upload.path.parent.exists()
    assert store.get(upload.token, "conseil") is None


def test_uploads_live_in_a_private_folder(tmp_path):
    store = UploadStore()
    upload = store.create("conseil", "heures.csv")
    folder = upload.path.parent.parent
    assert folder.name.startswith("portfolio-import-")
    assert folder.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("a.csv", b"", "a.csv est vide"),
        ("a.xlsx", b"salarie;client\n", "a.xlsx n'est pas un classeur Excel"),
        ("a.csv", b"PK\x03\x04rest", "a.csv est un classeur (.xlsx)"),
        ("a.csv", b"abc\x00def", "a.csv n'est pas un fichier texte .csv"),
    ],
)
def test_content_that_belies_its_suffix_is_refused(tmp_path, name, content, said):
    file = tmp_path / name
    file.write_bytes(content)
    with pytest.raises(PortfolioError, match=said.replace("(", r"\(").replace(")", r"\)")):
        check_content(file)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(demo_dir(), root)
    (root / "workers" / "cassé.yaml").write_text("id: [\n", encoding="utf-8")
    return root


def timesheet(tmp_path: Path) -> Path:
    file = tmp_path / "heures.csv"
    file.write_text(ROWS, encoding="utf-8")
    return file


def reasons(demo: Path, file: Path, workers: set[str] | None) -> list[str]:
    planned = plan_timesheet(demo, file, max_gap_days=7, workers=workers, today=TODAY)
    return [r.reason for r in planned.plan.rejections]


def test_the_federation_plans_every_workers_rows(demo, tmp_path):
    found = reasons(demo, timesheet(tmp_path), None)
    assert len(found) == 1 and "workers/cassé.yaml contient des erreurs" in found[0]


def test_a_counselor_plans_only_their_workers_rows(demo, tmp_path):
    own = {"fatima-b", "aicha-m", "dominique-r"}
    found = reasons(demo, timesheet(tmp_path), own)
    assert found == [
        "salarié inconnu « kevin-t » : il n'y a pas de fichier workers/kevin-t.yaml, ni de "
        "salarié de ce nom (créez sa fiche avec « portfolio worker new »)",
        "salarié inconnu « cassé » : il n'y a pas de fichier workers/cassé.yaml, ni de salarié "
        "de ce nom (créez sa fiche avec « portfolio worker new »)",
    ]


def test_the_fingerprint_follows_what_the_import_would_do(demo, tmp_path):
    file = timesheet(tmp_path)
    own = {"fatima-b"}
    first = preview(plan_timesheet(demo, file, max_gap_days=7, workers=own, today=TODAY))
    same = preview(plan_timesheet(demo, file, max_gap_days=7, workers=own, today=TODAY))
    assert first.fingerprint == same.fingerprint
    planned = plan_timesheet(demo, file, max_gap_days=7, workers=own, today=TODAY)
    said = run_import(planned, skip_invalid=True, actor="conseil")
    assert said == (
        "Import terminé : 1 mise à disposition ajoutée pour 1 salarié (fatima-b : p4). "
        "2 lignes refusées laissées de côté."
    )
    after = preview(plan_timesheet(demo, file, max_gap_days=7, workers=own, today=TODAY))
    assert after.fingerprint != first.fingerprint
    assert after.already_count == "1 ligne déjà importée"


def test_refused_rows_stop_the_import_unless_skipped(demo, tmp_path):
    planned = plan_timesheet(
        demo, timesheet(tmp_path), max_gap_days=7, workers={"fatima-b"}, today=TODAY
    )
    before = (demo / "workers" / "fatima-b.yaml").read_bytes()
    with pytest.raises(PortfolioError, match="2 lignes refusées : rien n'a été écrit"):
        run_import(planned, skip_invalid=False, actor="conseil")
    assert (demo / "workers" / "fatima-b.yaml").read_bytes() == before
