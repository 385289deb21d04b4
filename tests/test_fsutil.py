"""Atomic writes: whole files or nothing, with the permissions a user expects."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

from portfolio.french import system_problem
from portfolio.fsutil import blocking_file, copy_tree_atomic, write_atomic


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", "bonjour")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").read_text() == "bonjour"
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "w.yaml"
    target.write_text("avant")
    target.chmod(0o640)
    write_atomic(target, "après")
    assert target.read_text() == "après"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "w.yaml"
    target.write_text("avant")

    def disk_full(fd: int) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="disque plein"):
        write_atomic(target, "après")
    assert target.read_text() == "avant"
    assert [p.name for p in tmp_path.iterdir()] == ["w.yaml"]


def test_copied_tree_is_not_private(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "sub" / "f.txt").write_text("x")
    old = os.umask(0o022)
    try:
        copy_tree_atomic(source, tmp_path / "dst")
    finally:
        os.umask(old)
    assert (tmp_path / "dst" / "sub" / "f.txt").read_text() == "x"
    assert (tmp_path / "dst").stat().st_mode & 0o777 == 0o755


def test_a_refused_write_names_the_file_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message must name `rapport.html`, not the hidden temporary file beside it."""

    def refuse(**_: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".rapport.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OSError) as caught:
        write_atomic(tmp_path / "rapport.html", "x")
    assert caught.value.filename == str(tmp_path / "rapport.html")
    message = system_problem(caught.value)
    assert message.startswith(f"accès refusé à « {tmp_path / 'rapport.html'} »")
    assert message.endswith("rien n'a été écrit")


def test_blocking_file_finds_the_file_standing_for_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("x")
    assert blocking_file(tmp_path / "a" / "b" / "c.pdf") == tmp_path / "a"
    assert blocking_file(tmp_path / "a") == tmp_path / "a"
    assert blocking_file(tmp_path / "free" / "c.pdf") is None
