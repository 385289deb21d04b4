"""The pseudonym key is never readable by others, not even for a moment (issue 13 item 10).

The key file was written with the usual 0644, renamed into place, then chmod-ed to 0600: between
the rename and the chmod any local user could read the key and reverse every pseudonym. It is now
created 0600, in a folder only its owner can open, from the start.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio import fsutil
from portfolio.fsutil import write_atomic
from portfolio.secret import key_file, pseudonym_key


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def modes_at_rename(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(mode of the file, mode of its folder) at the instant each file is renamed into place."""
    seen: list[tuple[int, int]] = []
    rename = os.replace

    def spying_replace(source: str | Path, target: str | Path) -> None:
        seen.append(
            (Path(source).stat().st_mode & 0o777, Path(target).parent.stat().st_mode & 0o777)
        )
        rename(source, target)

    monkeypatch.setattr(fsutil.os, "replace", spying_replace)
    return seen


def test_the_key_file_is_private_from_its_creation(
    usual_umask: None, modes_at_rename: list[tuple[int, int]]
) -> None:
    key = pseudonym_key()
    assert modes_at_rename == [(0o600, 0o700)]
    assert key_file().stat().st_mode & 0o777 == 0o600
    assert key_file().parent.stat().st_mode & 0o777 == 0o700
    assert key_file().read_text(encoding="utf-8").strip() == key


def test_an_existing_open_folder_is_closed_before_the_key_is_written(
    usual_umask: None, modes_at_rename: list[tuple[int, int]]
) -> None:
    key_file().parent.mkdir(parents=True, mode=0o755)
    pseudonym_key()
    assert modes_at_rename == [(0o600, 0o700)]


def test_write_atomic_gives_the_asked_mode_before_the_rename(
    tmp_path: Path, usual_umask: None, modes_at_rename: list[tuple[int, int]]
) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("avant")
    target.chmod(0o644)
    write_atomic(target, "après", mode=0o600)
    assert modes_at_rename[0][0] == 0o600
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_text() == "après"
