"""`portfolio build --shard K/N` (SPEC §13): parts that are disjoint, cover every worker, and
together make exactly the documents and manifest of a one-machine build."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_build import AS_OF, CATALOG, REFERENTIEL, worker

from portfolio.app.documents import parse_shard
from portfolio.build import MANIFEST, Shard, build, shard_of
from portfolio.issues import PortfolioError

WORKERS = [f"w-{n}" for n in range(1, 8)]


@pytest.fixture
def workspace(make_workspace):
    files = {f"workers/{w}.yaml": worker(w, hours=10 * n) for n, w in enumerate(WORKERS, 1)}
    files["workers/w-7.yaml"] = worker("w-7").replace("given: true", "given: false")
    return make_workspace(
        {"referentiels/tst.yaml": REFERENTIEL, "catalog/ofa.yaml": CATALOG, **files}
    )


def test_parts_are_disjoint_and_cover_every_worker() -> None:
    ids = [f"w-{n:05d}" for n in range(3000)]
    for count in (1, 2, 3, 7):
        parts = [{i for i in ids if Shard(k, count).holds(i)} for k in range(1, count + 1)]
        assert set().union(*parts) == set(ids)
        assert sum(len(p) for p in parts) == len(ids)
        assert min(len(p) for p in parts) > 0.8 * len(ids) / count  # a fair share each


def test_a_worker_falls_in_the_same_part_on_every_machine() -> None:
    """Not Python's `hash`, which each process salts differently."""
    probe = (
        "from portfolio.build import shard_of; print([shard_of(f'w-{n}', 5) for n in range(50)])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {str([shard_of(f"w-{n}", 5) for n in range(50)]) + "\n"}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("2", "écrivez la part et le nombre de parts, par exemple 2/8"),
        ("a/b", "écrivez la part et le nombre de parts"),
        ("0/3", "la part doit aller de 1 au nombre de parts (3)"),
        ("4/3", "la part doit aller de 1 au nombre de parts (3)"),
    ],
)
def test_a_malformed_part_is_refused_in_french(text: str, said: str) -> None:
    with pytest.raises(PortfolioError, match=said.replace("(", r"\(").replace(")", r"\)")) as error:
        parse_shard(text)
    assert error.value.exit_code == 2
    assert parse_shard(" 2 / 8 ") == Shard(2, 8)


def pdfs(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*.pdf")
    }


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_union_of_the_parts_is_the_whole_build(workspace, tmp_path) -> None:
    whole = tmp_path / "whole"
    build(workspace, whole, AS_OF, jobs=2)
    parts = [tmp_path / f"part-{k}" for k in (1, 2, 3)]
    summaries = [
        build(workspace, out, AS_OF, jobs=2, shard=Shard(k, 3)) for k, out in enumerate(parts, 1)
    ]
    union: dict[str, str] = {}
    for out in parts:
        assert not set(pdfs(out)) & set(union), "a document made by two parts"
        union |= pdfs(out)
    assert union == pdfs(whole)
    for key in ("documents", "inputs"):
        merged: dict[str, str] = {}
        for out in parts:
            merged |= manifest(out)[key]
        assert merged == manifest(whole)[key]
    aggregates = {"programme/rapport.pdf", "organismes/couverture-ofa.pdf"}
    assert aggregates <= set(pdfs(parts[0]))
    assert not aggregates & (set(pdfs(parts[1])) | set(pdfs(parts[2])))
    assert {w for s in summaries for w in s.withheld} == {"w-7"}
    assert all("complete" not in manifest(out) for out in parts)


@pytest.mark.slow
def test_parts_built_in_turn_in_one_folder_leave_a_whole_build_nothing_to_do(
    workspace, tmp_path
) -> None:
    whole, shared = tmp_path / "whole", tmp_path / "shared"
    build(workspace, whole, AS_OF, jobs=2)
    for k in (2, 1, 3):
        build(workspace, shared, AS_OF, jobs=2, shard=Shard(k, 3))
    assert pdfs(shared) == pdfs(whole)
    finishing = build(workspace, shared, AS_OF, jobs=2)
    assert finishing.rendered == [] and finishing.failed == {}
    assert manifest(shared) == manifest(whole)
    assert (shared / "index.html").read_text(encoding="utf-8") == (whole / "index.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.slow
def test_a_part_removes_only_its_own_stale_documents(workspace, tmp_path) -> None:
    out = tmp_path / "out"
    build(workspace, out, AS_OF, jobs=2)
    gone = next(w for w in WORKERS[:-1] if not Shard(1, 2).holds(w))
    (workspace / "workers" / f"{gone}.yaml").unlink()
    first = build(workspace, out, AS_OF, jobs=2, shard=Shard(1, 2))
    assert first.removed == []
    assert (out / "salaries" / gone / "dossier.pdf").is_file()
    second = build(workspace, out, AS_OF, jobs=2, shard=Shard(2, 2))
    assert sorted(second.removed) == [
        f"salaries/{gone}/dossier.pdf",
        f"salaries/{gone}/portfolio.pdf",
    ]
