"""`portfolio forget WORKER`: the worker's file and every output naming them are erased (SPEC §9).

The build output is laid out with `portfolio.build`'s own names and manifest writer, so that these
tests follow the build if its layout changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from badge_support import credential, write_badge
from support import MINIMAL_WORKSPACE
from typer.testing import CliRunner

from portfolio.build import MANIFEST, PROGRAMME_DIR, WORKERS_DIR, Manifest, write_manifest
from portfolio.cli import app, privacy_cmds
from portfolio.credentials.issued import BADGES_DIR
from portfolio.forget import mentions
from portfolio.transaction import LOCK_FILE

WORKER = """\
id: {id}
first_name: Ana
last_name: B.
association: ai-est
"""


@pytest.fixture
def federation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with three workers (one id extends another), built documents, printed
    documents in the current folder and elsewhere."""
    root = tmp_path / "ws"
    (root / "workers").mkdir(parents=True)
    (root / "workspace.yaml").write_text(MINIMAL_WORKSPACE, encoding="utf-8")
    for ident in ("ana-b", "ana-b-c", "leo-d"):
        (root / "workers" / f"{ident}.yaml").write_text(WORKER.format(id=ident), encoding="utf-8")
    (root / "workers" / "ana-b.yaml~").write_text("copie de sauvegarde", encoding="utf-8")
    (root / "workers" / ".ana-b.yaml.k2x9.tmp").write_text("écriture interrompue", encoding="utf-8")
    out = root / "documents"
    documents = {}
    for ident in ("ana-b", "ana-b-c", "leo-d"):
        for doc in ("dossier", "portfolio"):
            relative = f"{WORKERS_DIR}/{ident}/{doc}.pdf"
            (out / relative).parent.mkdir(parents=True, exist_ok=True)
            (out / relative).write_bytes(b"%PDF")
            documents[relative] = f"digest-{ident}"
    (out / PROGRAMME_DIR).mkdir()
    (out / PROGRAMME_DIR / "rapport.pdf").write_bytes(b"%PDF")
    documents[f"{PROGRAMME_DIR}/rapport.pdf"] = "digest-report"
    (out / "organismes").mkdir()
    (out / "organismes" / "couverture-ofa.pdf").write_bytes(b"%PDF")
    documents["organismes/couverture-ofa.pdf"] = "digest-coverage"
    (out / "index.html").write_text("<li>Ana B.</li><li>Léo D.</li>", encoding="utf-8")
    withheld = {f"{WORKERS_DIR}/ana-b": "consentement non donné (given: false)"}
    write_manifest(out, Manifest(documents, fingerprint="0" * 64, withheld=withheld))
    here = tmp_path / "here"
    here.mkdir()
    for name in ("ana-b-dossier.pdf", "ana-b-c-dossier.pdf", "grille-ana-b-p1.pdf", "notes.pdf"):
        (here / name).write_bytes(b"%PDF")
    printed = tmp_path / "imprimes"
    (printed / "2003").mkdir(parents=True)
    (printed / "2003" / "ana-b-portfolio.pdf").write_bytes(b"%PDF")
    (printed / "2003" / "leo-d-portfolio.pdf").write_bytes(b"%PDF")
    monkeypatch.chdir(here)
    return tmp_path


def forget(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(app, ["forget", *args, "-w", str(root / "ws")], input=input)


def files(root: Path) -> set[str]:
    """Every file but the locks that `forget` takes (empty files, kept for the next writer)."""
    return {
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != LOCK_FILE
    }


def test_forget_erases_the_worker_file_and_every_document_naming_them(federation: Path):
    result = forget(federation, "ana-b", "--yes", "--output", str(federation / "imprimes"))
    assert result.exit_code == 0, result.stderr
    assert files(federation) == {
        "ws/workspace.yaml",
        "ws/workers/ana-b-c.yaml",
        "ws/workers/leo-d.yaml",
        f"ws/documents/{MANIFEST}",
        f"ws/documents/{WORKERS_DIR}/ana-b-c/dossier.pdf",
        f"ws/documents/{WORKERS_DIR}/ana-b-c/portfolio.pdf",
        f"ws/documents/{WORKERS_DIR}/leo-d/dossier.pdf",
        f"ws/documents/{WORKERS_DIR}/leo-d/portfolio.pdf",
        "ws/documents/organismes/couverture-ofa.pdf",
        "here/ana-b-c-dossier.pdf",
        "here/notes.pdf",
        "imprimes/2003/leo-d-portfolio.pdf",
    }


def test_forget_drops_the_worker_and_the_programme_report_from_the_manifest(federation: Path):
    forget(federation, "ana-b", "--yes")
    manifest = json.loads((federation / "ws" / "documents" / MANIFEST).read_text("utf-8"))
    assert sorted(manifest["documents"]) == [
        "organismes/couverture-ofa.pdf",
        f"{WORKERS_DIR}/ana-b-c/dossier.pdf",
        f"{WORKERS_DIR}/ana-b-c/portfolio.pdf",
        f"{WORKERS_DIR}/leo-d/dossier.pdf",
        f"{WORKERS_DIR}/leo-d/portfolio.pdf",
    ]
    assert manifest["complete"]["withheld"] == {}
    assert manifest["version"] == 1


def test_forget_reports_what_it_erased_on_stdout(federation: Path):
    result = forget(federation, "ana-b", "--yes")
    erased = result.stdout.splitlines()
    assert any(line.endswith("ws/workers/ana-b.yaml") for line in erased)
    assert any(line.endswith(f"documents/{WORKERS_DIR}/ana-b") for line in erased)
    assert any(
        "manifeste" in line and f"{WORKERS_DIR}/ana-b/dossier.pdf" in line for line in erased
    )
    assert len(erased) == 9


def test_an_entry_of_several_manifest_tables_is_listed_once(federation: Path):
    """A build records an aggregate under « documents » and « inputs »: the list says it once,
    and both go."""
    path = federation / "ws" / "documents" / MANIFEST
    data = json.loads(path.read_text("utf-8"))
    data["inputs"] = {f"{PROGRAMME_DIR}/rapport.pdf": "digest-workers"}
    path.write_text(json.dumps(data), encoding="utf-8")
    result = forget(federation, "ana-b", "--yes")
    assert result.exit_code == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if "manifeste" in line]
    assert line.count(f"{PROGRAMME_DIR}/rapport.pdf") == 1
    assert json.loads(path.read_text("utf-8"))["inputs"] == {}


def test_a_worker_named_like_a_manifest_field_leaves_the_manifest_readable(federation: Path):
    workers = federation / "ws" / "workers"
    (workers / "version.yaml").write_text(WORKER.format(id="version"), encoding="utf-8")
    result = forget(federation, "version", "--yes")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((federation / "ws" / "documents" / MANIFEST).read_text("utf-8"))
    assert manifest["version"] == 1
    assert f"{WORKERS_DIR}/ana-b/dossier.pdf" in manifest["documents"]


def test_without_terminal_and_without_yes_nothing_is_erased(federation: Path):
    before = files(federation)
    result = forget(federation, "ana-b")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert "ws/workers/ana-b.yaml" in result.stderr  # the list is shown all the same
    assert files(federation) == before


def test_the_confirmation_lists_everything_and_no_keeps_it(
    federation: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(privacy_cmds, "stdin_is_terminal", lambda: True)
    before = files(federation)
    result = forget(federation, "ana-b", input="n\n")
    assert result.exit_code == 1
    assert "Effacer ces 9 éléments ? (oui/non)" in result.stderr
    for shown in ("ana-b.yaml~", "grille-ana-b-p1.pdf", "index.html", "rapport.pdf"):
        assert shown in result.stderr
    assert files(federation) == before


def test_answering_yes_at_the_terminal_erases(federation: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(privacy_cmds, "stdin_is_terminal", lambda: True)
    result = forget(federation, "ana-b", input="o\n")
    assert result.exit_code == 0, result.stderr
    assert not (federation / "ws" / "workers" / "ana-b.yaml").exists()


def test_a_broken_worker_file_can_still_be_forgotten(federation: Path):
    (federation / "ws" / "workers" / "ana-b.yaml").write_text("id: [ana-b\n", encoding="utf-8")
    result = forget(federation, "ana-b", "--yes")
    assert result.exit_code == 0, result.stderr
    assert not (federation / "ws" / "workers" / "ana-b.yaml").exists()


def test_an_unknown_worker_is_an_error(federation: Path):
    before = files(federation)
    result = forget(federation, "zoe-z", "--yes")
    assert result.exit_code == 1
    assert "rien à effacer" in result.stderr
    assert files(federation) == before


@pytest.mark.parametrize("ident", ["../ws/workspace", "ana-b\n", "Ana-B", "*", ""])
def test_an_id_that_is_not_a_worker_id_is_refused(federation: Path, ident: str):
    before = files(federation)
    result = forget(federation, ident, "--yes")
    assert result.exit_code == 2
    assert files(federation) == before


def test_a_missing_output_folder_stops_before_erasing(federation: Path):
    before = files(federation)
    result = forget(federation, "ana-b", "--yes", "--output", str(federation / "absent"))
    assert result.exit_code == 2
    assert files(federation) == before


def test_a_link_named_after_the_worker_is_removed_not_its_target(federation: Path):
    target = federation / "precieux.pdf"
    target.write_bytes(b"%PDF")
    (federation / "ws" / "documents" / "ana-b-lien.pdf").symlink_to(target)
    forget(federation, "ana-b", "--yes")
    assert not (federation / "ws" / "documents" / "ana-b-lien.pdf").is_symlink()
    assert target.read_bytes() == b"%PDF"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("w-1.yaml", True),
        ("w-1-dossier.pdf", True),
        ("grille-w-1-p2.pdf", True),
        (".w-1.yaml.k2x9.tmp", True),
        ("w-10.pdf", False),
        ("aw-1.pdf", False),
        ("w-1-2-dossier.pdf", False),  # worker w-1-2's document
        ("w-1-2-dossier-w-1.pdf", True),
    ],
)
def test_a_name_mentions_a_worker_only_as_a_whole_id(name: str, expected: bool):
    assert mentions(name, "w-1", {"w-1-2", "w-10"}) is expected


def test_help_is_in_french() -> None:
    result = CliRunner().invoke(app, ["forget", "--help"])
    assert "Effacer un salarié" in result.stdout
    assert "--yes" in result.stdout
    assert "ses badges numériques, dans badges/SALARIÉ/" in " ".join(result.stdout.split())


def test_forget_erases_the_credentials_issued_to_the_worker(federation: Path):
    """`badges/<id>/` holds signed credentials naming the worker (issue 18); another worker's,
    even one whose id extends theirs, stay."""
    for ident in ("ana-b", "ana-b-c"):
        write_badge(federation / "ws", ident, "advf.ccp1", credential("Entretenir le logement"))
    result = forget(federation, "ana-b", "--yes")
    assert result.exit_code == 0, result.stderr
    assert not (federation / "ws" / BADGES_DIR / "ana-b").exists()
    assert (federation / "ws" / BADGES_DIR / "ana-b-c" / "advf.ccp1.json").is_file()
    assert any(line.endswith(f"ws/{BADGES_DIR}/ana-b") for line in result.stdout.splitlines())
