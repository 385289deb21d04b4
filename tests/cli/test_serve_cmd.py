"""`portfolio serve`: starts, answers, stops cleanly on Ctrl-C, says in French what blocks it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 20) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            request = urllib.request.Request(url)
            opener = urllib.request.build_opener(NoRedirect)
            return int(opener.open(request, timeout=2).status)
        except urllib.error.HTTPError as answer:
            return int(answer.code)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_serve_answers_then_stops_on_ctrl_c(make_workspace):
    root: Path = make_workspace({})
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "portfolio", "serve", "-w", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/") == 303
        assert wait_for(f"http://127.0.0.1:{port}/connexion") == 200
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    assert server.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err


def test_a_port_in_use_is_said_in_french(make_workspace):
    root: Path = make_workspace({})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "portfolio", "serve", "-w", str(root), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert "déjà utilisé" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr
