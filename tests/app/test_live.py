"""The workspace a server keeps loaded: fresh on every request, reloading only what changed."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from support import VALID_CATALOG, VALID_WORKER

from portfolio.app import live
from portfolio.app.live import LiveWorkspace
from portfolio.fsutil import write_atomic

AS_OF = dt.date(2003, 6, 30)


def touch_later(file: Path) -> None:
    """Make a rewrite visible even on a file system whose clock is coarse."""
    stamp = time.time() + 5
    os.utime(file, (stamp, stamp))


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace(
        {
            "catalog/ofa.yaml": VALID_CATALOG,
            "workers/w-1.yaml": VALID_WORKER.replace("id: w-0042", "id: w-1"),
            "workers/w-2.yaml": VALID_WORKER.replace("id: w-0042", "id: w-2"),
        }
    )


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The worker files the live workspace reads."""
    seen: list[str] = []
    original = live.load_file

    def counting(model, file, display, root):  # type: ignore[no-untyped-def]
        seen.append(file.name)
        return original(model, file, display, root)

    monkeypatch.setattr(live, "load_file", counting)
    return seen


def test_nothing_changed_gives_the_same_snapshot_without_reading(root, reads):
    workspace = LiveWorkspace(root, scan_seconds=0)
    first = workspace.current()
    assert sorted(reads) == ["w-1.yaml", "w-2.yaml"]
    assert workspace.current() is first
    assert len(reads) == 2


def test_one_changed_worker_file_is_the_only_one_read_again(root, reads):
    workspace = LiveWorkspace(root, scan_seconds=0)
    before = workspace.current()
    file = root / "workers/w-2.yaml"
    file.write_text(file.read_text().replace("first_name: Fatima", "first_name: Awa"), "utf-8")
    touch_later(file)
    after = workspace.current()
    assert reads[2:] == ["w-2.yaml"]
    assert after.ws.workers["w-2"].first_name == "Awa"
    assert after.ws.workers["w-1"] is before.ws.workers["w-1"]
    assert after.version != before.version


def test_added_and_removed_worker_files_show(root):
    workspace = LiveWorkspace(root, scan_seconds=0)
    workspace.current()
    (root / "workers/w-1.yaml").unlink()
    (root / "workers/w-3.yaml").write_text(VALID_WORKER.replace("id: w-0042", "id: w-3"), "utf-8")
    assert sorted(workspace.current().ws.workers) == ["w-2", "w-3"]


def test_a_changed_catalogue_reloads_the_shared_files_and_every_worker(root, reads):
    workspace = LiveWorkspace(root, scan_seconds=0)
    before = workspace.current()
    catalog = root / "catalog/ofa.yaml"
    catalog.write_text(catalog.read_text() + "\n# modifié\n", encoding="utf-8")
    touch_later(catalog)
    after = workspace.current()
    assert after.shared_version != before.shared_version
    assert sorted(reads) == ["w-1.yaml", "w-1.yaml", "w-2.yaml", "w-2.yaml"]


def test_an_assessment_is_computed_once_per_version_of_its_file(root, monkeypatch):
    calls: list[str] = []
    original = live.assess

    def counting(ws, worker, as_of, *rest):  # type: ignore[no-untyped-def]
        calls.append(worker.id)
        return original(ws, worker, as_of, *rest)

    monkeypatch.setattr(live, "assess", counting)
    workspace = LiveWorkspace(root, scan_seconds=0)
    snap = workspace.current()
    snap.assessment("w-1", AS_OF)
    workspace.current().assessment("w-1", AS_OF)
    assert calls == ["w-1"]
    file = root / "workers/w-1.yaml"
    file.write_text(file.read_text() + "\n", encoding="utf-8")
    touch_later(file)
    fresh = workspace.current()
    fresh.assessment("w-1", AS_OF)
    assert calls == ["w-1", "w-1"]


def test_a_broken_worker_file_keeps_its_issues_and_no_model(root):
    (root / "workers/w-2.yaml").write_text("id: w-2\nfirst_name: [\n", encoding="utf-8")
    snap = LiveWorkspace(root, scan_seconds=0).current()
    assert "w-2" not in snap.ws.workers
    assert snap.files["w-2"].worker is None
    assert any("w-2.yaml" in issue.location.path for issue in snap.worker_issues("w-2", AS_OF))


def test_the_cache_forgets_the_least_recently_used(root):
    workspace = LiveWorkspace(root, cache_size=1, scan_seconds=0)
    snap = workspace.current()
    first = snap.assessment("w-1", AS_OF)
    snap.assessment("w-2", AS_OF)
    assert snap.assessment("w-1", AS_OF) is not first


def test_a_worker_whose_id_differs_from_its_file_name_is_found_by_its_file(root):
    file = root / "workers/w-2.yaml"
    file.write_text(file.read_text().replace("id: w-2", "id: w-9"), encoding="utf-8")
    snap = LiveWorkspace(root, scan_seconds=0).current()
    assessment, _ = snap.assessment("w-2", AS_OF)
    assert assessment.worker == "w-9"
    assert any(i.is_error for i in snap.worker_issues("w-2", AS_OF))


def test_between_scans_only_files_written_by_renaming_show_at_once(root):
    """Commands write a new file and rename it over the old one: the folder changes, and the
    next request sees it. A file rewritten in place waits for the next full scan."""
    now = [0.0]
    workspace = LiveWorkspace(root, scan_seconds=60, clock=lambda: now[0])
    workspace.current()
    in_place = root / "workers/w-1.yaml"
    in_place.write_text(in_place.read_text().replace("Fatima", "Awa"), encoding="utf-8")
    touch_later(in_place)
    assert workspace.current().ws.workers["w-1"].first_name == "Fatima"
    write_atomic(
        root / "workers/w-2.yaml",
        (root / "workers/w-2.yaml").read_text().replace("Fatima", "Inès"),
    )
    fresh = workspace.current()
    assert fresh.ws.workers["w-2"].first_name == "Inès"
    assert fresh.ws.workers["w-1"].first_name == "Awa"  # the rename made it scan everything
    in_place.write_text(in_place.read_text().replace("Awa", "Léa"), encoding="utf-8")
    touch_later(in_place)
    now[0] = 61.0
    assert workspace.current().ws.workers["w-1"].first_name == "Léa"
