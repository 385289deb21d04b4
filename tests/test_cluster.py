"""`portfolio build --scheduler ADDRESS` (SPEC §13): the rendering on a Dask cluster gives the
files and manifest of a local build, even when a Dask worker dies in the middle."""

from __future__ import annotations

import hashlib
import json
import os
import signal
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_build import AS_OF, CATALOG, REFERENTIEL, worker

from portfolio import cluster
from portfolio.app.documents import build_documents, dask_cluster
from portfolio.build import MANIFEST, Job, WorkerDocument, build, shared_fingerprint
from portfolio.issues import PortfolioError

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

WORKERS = [f"w-{n}" for n in range(1, 9)]


@pytest.fixture
def workspace(make_workspace):
    files = {f"workers/{w}.yaml": worker(w, hours=10 * n) for n, w in enumerate(WORKERS, 1)}
    return make_workspace(
        {"referentiels/tst.yaml": REFERENTIEL, "catalog/ofa.yaml": CATALOG, **files}
    )


@pytest.fixture
def local_cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as running,
        distributed.Client(running, set_as_default=False) as client,
    ):
        # Not the default client: `portfolio build --scheduler` runs in a process that has none.
        yield running, client


def pdfs(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*.pdf")
    }


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def test_a_build_on_a_cluster_is_the_local_build(workspace, tmp_path, local_cluster) -> None:
    running, _ = local_cluster
    local, remote = tmp_path / "local", tmp_path / "dask"
    build(workspace, local, AS_OF, jobs=2)
    summary = build(workspace, remote, AS_OF, remote=dask_cluster(running.scheduler_address))
    assert summary.failed == {}
    assert len(summary.rendered) == 2 * len(WORKERS) + 2
    assert pdfs(remote) == pdfs(local)
    assert manifest(remote) == manifest(local)
    again = build(workspace, remote, AS_OF, remote=dask_cluster(running.scheduler_address))
    assert again.rendered == []


def test_a_dask_worker_killed_mid_build_loses_no_document(
    workspace, tmp_path, local_cluster, monkeypatch
) -> None:
    """A worker process is killed once the first batch is back: its tasks run again on the
    other worker (or on the one its nanny restarts), and every document is there, whole."""
    running, client = local_cluster
    monkeypatch.setattr(cluster.DaskRenderer, "batch", 2)
    victims = list(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_once(output: str, done: int, total: int) -> None:
        if output and not killed:
            killed.append(victims[0])
            os.kill(victims[0], signal.SIGKILL)

    out = tmp_path / "dask"
    summary = build(
        workspace, out, AS_OF, remote=dask_cluster(running.scheduler_address), progress=kill_once
    )
    assert killed
    assert summary.failed == {}
    expected = {f"salaries/{w}/{k}.pdf" for w in WORKERS for k in ("dossier", "portfolio")}
    expected |= {"programme/rapport.pdf", "organismes/couverture-ofa.pdf"}
    assert set(pdfs(out)) == expected
    assert set(manifest(out)["documents"]) == expected
    assert len(summary.rendered) == len(set(summary.rendered)) == len(expected)
    for document in expected:
        data = (out / document).read_bytes()
        assert data.rstrip().endswith(b"%%EOF"), document
        assert len(PdfReader(out / document).pages) >= 1
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_an_unreachable_scheduler_is_said_in_french(workspace, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    with pytest.raises(PortfolioError, match="Impossible de joindre l'ordonnanceur Dask"):
        build_documents(
            workspace, tmp_path / "out", AS_OF, jobs=None, timeout=60, scheduler="tcp://127.0.0.1:9"
        )


def test_jobs_and_scheduler_do_not_go_together(workspace, tmp_path) -> None:
    with pytest.raises(PortfolioError, match="--jobs et --scheduler") as error:
        build_documents(
            workspace, tmp_path / "out", AS_OF, jobs=2, timeout=60, scheduler="tcp://x:1"
        )
    assert error.value.exit_code == 2


def test_a_node_that_sees_other_files_fails_its_batch_with_the_reason(workspace, tmp_path) -> None:
    from portfolio.app.workspace import open_worker
    from portfolio.assess import assess

    ws, one = open_worker(workspace, "w-1")
    assessment, evidence = assess(ws, one, AS_OF)
    job = Job("salaries/w-1/dossier.pdf", "dossier", "w-1", "d")
    shared = shared_fingerprint(workspace, AS_OF)
    stale = "0" * len(shared)
    outcomes = cluster.render_batch(
        str(workspace),
        str(tmp_path),
        AS_OF.isoformat(),
        stale,
        [(job, WorkerDocument(one, assessment, evidence))],
    )
    assert outcomes[0][0] == "salaries/w-1/dossier.pdf"
    assert "ne voit pas les mêmes fichiers que la commande" in outcomes[0][1]
    assert not (tmp_path / "salaries").exists()
