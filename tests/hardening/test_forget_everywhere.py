"""`forget` leaves nothing naming the worker, even with a build running (issue 13 item 5).

It left the programme reports `report` writes in the current folder, the worker's rows in the
demo's timesheets, the comment of workspace.yaml that names her, and what a link
`documents/salaries/<id>` pointed to; and a build running meanwhile wrote her documents and her
index line back. The main test greps every file name and content (PDFs read as text, workbooks
cell by cell) of the workspace, the output folders and the current folder afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from support import MINIMAL_WORKSPACE, write_tree
from test_build import AS_OF, CATALOG, REFERENTIEL, worker
from typer.testing import CliRunner

from portfolio.build import build
from portfolio.cli import app
from portfolio.forget import plan_erasure
from portfolio.resources import demo_dir
from portfolio.transaction import locked

DEMO_AS_OF = "2026-06-30"
KEPT = ("fatima-b", "dominique-r")
"""Demo workers kept for the test (a shorter build): two of those the demo's timesheets name."""


def text_of(path: Path) -> str:
    """What a person reading the file would see: PDF text and metadata, workbook cells."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        reader = PdfReader(path)
        metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
        return metadata + "\n" + "\n".join(page.extract_text() or "" for page in reader.pages)
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return " ".join([*book.sheetnames, *cells])
    return path.read_bytes().decode("utf-8", errors="replace")


def naming(folders: list[Path], ident: str, name: str) -> list[str]:
    """Every file or folder whose name or content names the person."""
    words = r"\s+".join(re.escape(word) for word in name.split())
    person = re.compile(rf"{re.escape(ident)}|{words}", re.IGNORECASE)
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if person.search(path.name):
                found.append(f"nom : {path}")
            elif path.is_file() and person.search(" ".join(text_of(path).split())):
                found.append(f"contenu : {path}")
    return found


def cli(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with three workers, built, with reports and documents printed around it (under
    the names `report` and `render` give them by default), and fatima-b's built documents moved
    into the workspace behind a link. Built once: each test works on a copy."""
    base = tmp_path_factory.mktemp("demo")
    root = base / "ws"
    shutil.copytree(demo_dir(), root)
    for file in (root / "workers").glob("*.yaml"):
        if file.stem not in KEPT:
            file.unlink()
    build(root, root / "documents", dt.date.fromisoformat(DEMO_AS_OF), jobs=2)
    here = base / "ici"
    printed = base / "imprimes"
    here.mkdir()
    printed.mkdir()
    common = ["-w", str(root), "--as-of", DEMO_AS_OF]
    cli("report", "-o", str(here / "rapport-programme.pdf"), *common)
    cli("report", "--format", "html", "-o", str(here / "rapport-programme.html"), *common)
    pseudonymised = [
        "--pseudonymise",
        "--format",
        "json",
        "-o",
        str(here / "rapport-programme.json"),
    ]
    cli("report", *pseudonymised, *common)
    cli("report", "--format", "csv", "-o", str(root / "rapport-programme.csv"), *common)
    dossier = ["--doc", "dossier", "--format", "html", "-o", str(here / "fatima-b-dossier.html")]
    cli("render", "fatima-b", *dossier, *common)
    portfolio = ["--doc", "portfolio", "-o", str(printed / "fatima-b-portfolio.pdf")]
    cli("render", "fatima-b", *portfolio, *common)
    kept = root / "archives" / "fatima-b-2026"
    kept.parent.mkdir()
    (root / "documents" / "salaries" / "fatima-b").rename(kept)
    (root / "documents" / "salaries" / "fatima-b").symlink_to(Path("../../archives/fatima-b-2026"))
    return base


@pytest.fixture
def demo(built_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built demo; the current folder is its `ici/`."""
    for part in ("ws", "ici", "imprimes"):
        shutil.copytree(built_demo / part, tmp_path / part, symlinks=True)
    monkeypatch.chdir(tmp_path / "ici")
    return tmp_path


@pytest.mark.slow
def test_after_forget_no_file_names_the_worker(demo: Path) -> None:
    folders = [demo / "ws", demo / "imprimes", demo / "ici"]
    archived = demo / "ws" / "archives" / "fatima-b-2026" / "portfolio.pdf"
    assert naming([archived.parent], "fatima-b", "Fatima B.") == [  # the probe reads PDFs
        f"contenu : {archived.parent / 'dossier.pdf'}",
        f"contenu : {archived}",
    ]
    timesheet = (demo_dir() / "imports" / "feuille-de-temps-exemple.csv").read_bytes()
    result = CliRunner().invoke(
        app, ["forget", "fatima-b", "--yes", "-w", str(demo / "ws"), "-o", str(demo / "imprimes")]
    )
    assert result.exit_code == 0, result.output
    assert naming(folders, "fatima-b", "Fatima B.") == []
    others = b"".join(line for line in timesheet.splitlines(True) if b"fatima-b" not in line)
    assert (demo / "ws" / "imports" / "feuille-de-temps-exemple.csv").read_bytes() == others
    sheet = openpyxl.load_workbook(demo / "ws" / "imports" / "feuille-de-temps-exemple.xlsx")
    workers = [row[0] for row in sheet.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert sorted(set(workers)) == ["aicha-m", "dominique-r"]  # aicha-m has no file here
    check = CliRunner().invoke(app, ["check", "-w", str(demo / "ws"), "--as-of", DEMO_AS_OF])
    assert check.exit_code == 0, check.output


@pytest.mark.slow
def test_the_confirmation_lists_the_reports_the_timesheet_rows_and_the_link_target(
    demo: Path,
) -> None:
    result = CliRunner().invoke(app, ["forget", "fatima-b", "-w", str(demo / "ws")])
    assert result.exit_code == 2  # no terminal: nothing erased, but the list is shown
    for shown in (
        "rapport-programme.pdf",
        "rapport-programme.html",
        "rapport-programme.json",
        "rapport-programme.csv",
        "archives/fatima-b-2026",
        "6 lignes à son nom dans la feuille de temps : ",
        "feuille-de-temps-exemple.xlsx",
        "1 ligne de commentaire qui le nomme : ",
    ):
        assert shown in result.stderr
    assert (demo / "ws" / "workers" / "fatima-b.yaml").is_file()


# --- a build running at the same time -----------------------------------------------------------


@pytest.mark.slow
def test_a_build_running_during_forget_does_not_bring_the_worker_back(tmp_path: Path) -> None:
    files = {
        "workspace.yaml": MINIMAL_WORKSPACE,
        "referentiels/tst.yaml": REFERENTIEL,
        "catalog/ofa.yaml": CATALOG,
    }
    files |= {f"workers/w-{n}.yaml": worker(f"w-{n}") for n in range(6)}
    root = write_tree(tmp_path / "ws", files)
    out = root / "documents"
    portfolio = [sys.executable, "-m", "portfolio"]
    running = subprocess.Popen(
        [*portfolio, "build", "-w", str(root), "--jobs", "2", "--as-of", AS_OF.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(out.rglob("*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert running.poll() is None, "forget must start while the build renders"
        forget = subprocess.run(
            [*portfolio, "forget", "w-0", "--yes", "-w", str(root)],
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        _, errors = running.communicate(timeout=180)
    assert forget.returncode == 0, forget.stderr
    assert running.returncode == 0, errors.decode()
    assert naming([root], "w-0", "Prénom W-0.") == []


@pytest.mark.slow
@pytest.mark.parametrize("held", ["ws", "ws/documents", "imprimes"])
def test_forget_waits_for_the_locks_of_the_workspace_and_of_each_output_folder(
    tmp_path: Path, held: str
) -> None:
    root = write_tree(
        tmp_path / "ws",
        {"workspace.yaml": MINIMAL_WORKSPACE, "workers/w-1.yaml": worker("w-1")},
    )
    (root / "documents").mkdir()
    (tmp_path / "imprimes").mkdir()
    (tmp_path / "imprimes" / "w-1-dossier.pdf").write_bytes(b"%PDF")
    command = [sys.executable, "-m", "portfolio", "forget", "w-1", "--yes"]
    command += ["-w", str(root), "-o", str(tmp_path / "imprimes")]
    with locked(tmp_path / held):  # a build, an import…
        forget = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        assert forget.stderr is not None
        try:
            while "seront effacés" not in forget.stderr.readline():  # the list, then the locks
                assert forget.poll() is None
            time.sleep(1)
            assert forget.poll() is None
            assert (root / "workers" / "w-1.yaml").is_file()
        except BaseException:
            forget.kill()
            raise
    _, errors = forget.communicate(timeout=60)
    assert forget.returncode == 0, errors
    assert not (root / "workers" / "w-1.yaml").exists()
    assert not (tmp_path / "imprimes" / "w-1-dossier.pdf").exists()


# --- the workspace's own text -------------------------------------------------------------------

TIMESHEET = (
    "\ufeffSalarié;Client;Type de client;Date;Heures;Tâches\r\n"
    "w-1;Mme D.;particulier;07/09/2026;2;repassage\r\n"
    'w-2;"Mairie\r\nde Bron";collectivite;08/09/2026;3;sols\r\n'
    'w-1;M. E.;particulier;09/09/2026;2,5;"ménage; vitres"\r\n'
    'w-2 ;Mme F.;particulier;10/09/2026;2;"repassage"\r\n'
)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path / "ws",
        {
            "workspace.yaml": MINIMAL_WORKSPACE,
            "workers/w-1.yaml": worker("w-1"),
            "workers/w-2.yaml": worker("w-2"),
        },
    )


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_csv_timesheet_loses_the_worker_rows_and_keeps_every_other_byte(
    small: Path, tmp_path: Path, encoding: str
) -> None:
    text = TIMESHEET if encoding == "utf-8" else TIMESHEET.removeprefix("\ufeff")
    sheet = small / "imports" / "heures.csv"
    sheet.parent.mkdir()
    sheet.write_bytes(text.encode(encoding))
    plan = plan_erasure(small, "w-1", [], tmp_path)
    assert plan.rewrites[sheet].lines == 2
    rows = text.split("\r\n")
    kept = "\r\n".join([rows[0], rows[2], rows[3], rows[5], rows[6]])
    assert plan.rewrites[sheet].content == kept.encode(encoding)


def test_a_timesheet_cell_names_the_worker_only_as_a_whole(small: Path, tmp_path: Path) -> None:
    sheet = small / "heures.csv"
    sheet.write_text("salarie;client;date;heures\nw-10;Mme D.;07/09/2026;2\n", encoding="utf-8")
    assert plan_erasure(small, "w-1", [], tmp_path).rewrites == {}


def test_a_worker_named_in_another_worker_file_is_reported_not_changed(
    small: Path, tmp_path: Path
) -> None:
    other = small / "workers" / "w-2.yaml"
    other.write_text(
        worker("w-2").replace("counselor: Mme Martin", "counselor: Mme Martin  # voir w-1")
        + "# binôme de Prénom W-1.\n",
        encoding="utf-8",
    )
    before = other.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["forget", "w-1", "--yes", "-w", str(small)])
    assert result.exit_code == 0, result.output
    after = other.read_text(encoding="utf-8")
    assert after == before.replace("# binôme de Prénom W-1.\n", "")  # a whole comment line
    assert "w-2.yaml, ligne 5 : le nomme encore" in result.stderr  # a comment after data
    assert "corrigez à la main" in result.stderr


def test_a_link_to_a_folder_holding_other_workers_documents_keeps_its_target(
    small: Path, tmp_path: Path
) -> None:
    shared = small / "archives"
    (shared / "w-2").mkdir(parents=True)
    (shared / "w-2" / "dossier.pdf").write_bytes(b"%PDF")
    (small / "documents" / "salaries").mkdir(parents=True)
    (small / "documents" / "salaries" / "w-1").symlink_to(shared)
    result = CliRunner().invoke(app, ["forget", "w-1", "--yes", "-w", str(small)])
    assert result.exit_code == 0, result.output
    assert not (small / "documents" / "salaries" / "w-1").is_symlink()
    assert (shared / "w-2" / "dossier.pdf").is_file()
    assert "ce lien est effacé, mais pas ce vers quoi il mène" in result.stderr


def test_a_link_leading_outside_is_never_followed(small: Path, tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "dossier.pdf").write_bytes(b"%PDF")
    (small / "documents" / "salaries").mkdir(parents=True)
    (small / "documents" / "salaries" / "w-1").symlink_to(outside)
    result = CliRunner().invoke(app, ["forget", "w-1", "--yes", "-w", str(small)])
    assert result.exit_code == 0, result.output
    assert (outside / "dossier.pdf").is_file()
    assert not (small / "documents" / "salaries" / "w-1").is_symlink()


def test_a_hash_in_a_text_over_several_lines_is_data_and_stays(small: Path, tmp_path: Path) -> None:
    notes = small / "notes.yaml"
    notes.write_text("# suivi de w-1\nnote: |\n  # w-1 : à revoir\n  fin\n", encoding="utf-8")
    plan = plan_erasure(small, "w-1", [], tmp_path)
    assert plan.rewrites[notes].content == "note: |\n  # w-1 : à revoir\n  fin\n".encode()
    assert [(left.path, left.line) for left in plan.leftovers] == [(notes, 2)]


def test_timesheet_rows_written_by_name_under_title_rows_are_erased(
    small: Path, tmp_path: Path
) -> None:
    """A payroll export names people and starts with title rows; `import` reads such rows as
    the person's, so `forget` must erase them too (and only them)."""
    sheet = small / "imports" / "paie.csv"
    sheet.parent.mkdir()
    rows = [
        "Relevé d'heures, AI Lyon Est;;;",
        "Période : septembre, octobre;;;",
        "salarie;client;date;heures",
        "W-1. Prénom;Mme D.;07/09/02;2",
        "Prénom W-2.;Mme D.;07/09/02;2",
        "w-1;Mme D.;08/09/02;2",
    ]
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    plan = plan_erasure(small, "w-1", [], tmp_path)
    assert plan.rewrites[sheet].lines == 2
    assert plan.rewrites[sheet].content.decode("utf-8") == "\n".join(rows[:3] + rows[4:5]) + "\n"
