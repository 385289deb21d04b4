"""Issue 17, item 6: 20 clients recording observations and placements for 10 workers during 60 s
on 127.0.0.1, through the real server (`benchmarks/bench_load.py`, the same code): every accepted
write is in the files afterwards with its journal line, no answer is a server error, and
`portfolio check` finds no new error."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from web_support import ACCOUNTS, PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_load import report, run_load

pytestmark = pytest.mark.slow


def test_twenty_clients_for_sixty_seconds_lose_nothing(web_root: Path) -> None:
    accounts = [(ACCOUNTS[role]["login"], PASSWORD) for role in ("federation", "counselor")]
    run = run_load(web_root, accounts, clients=20, seconds=60, workers=10)
    shown = report(run)
    statuses = Counter(post.status for post in run.posts)
    assert run.server_errors == [], shown
    # Every post is valid and its client name unique: a refusal (400) would be a bug; a 409
    # would say that the worker's file could not be opened for an addition.
    assert set(statuses) <= {303, 409}, shown
    assert {post.kind for post in run.accepted} == {"observation", "mission"}, shown
    assert len(run.accepted) >= 20, shown
    assert run.missing == [], shown
    assert run.unexpected == [], shown
    assert run.journal_lines == len(run.accepted), shown
    assert run.new_errors == [], shown
