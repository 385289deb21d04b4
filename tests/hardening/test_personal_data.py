"""Personal data stays out of crash reports (docs/donnees-personnelles.md).

An unexpected error prints a traceback; Typer's pretty traceback would also print every local
variable of every frame (a worker's name, their whole file) unless `pretty_exceptions_show_locals`
is off.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from portfolio.cli import app

CRASHING_CHECK = textwrap.dedent(
    """\
    import sys
    import portfolio.app.workspace as app_workspace
    from portfolio.cli.main import main

    def crash(*args, **kwargs):
        worker_name = "Fatima-Secret-B."
        raise RuntimeError("panne simulée")

    app_workspace.check_issues = crash
    sys.argv = ["portfolio", "check", "-w", sys.argv[1]]
    main()
    """
)


def test_the_app_never_prints_local_variables() -> None:
    assert app.pretty_exceptions_show_locals is False


def test_a_crash_shows_the_error_but_not_the_data_in_memory(tmp_path) -> None:
    (tmp_path / "workspace.yaml").write_text("name: x\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_CHECK, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1
    assert "panne simulée" in result.stderr
    assert "Fatima-Secret-B." not in result.stdout + result.stderr
