"""Where the bundled référentiels, templates and demo workspace live, and where a workspace's
documents go by default.

In a wheel they are copied into `portfolio/_data/`; in a source checkout (editable install, tests)
they sit at the repository root. Both layouts are looked up in that order.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

WORKSPACE_FILE = "workspace.yaml"
"""The file that makes a folder a workspace (SPEC §4)."""
USERS_FILE = "users.yaml"
"""The web interface's accounts, at the workspace root (SPEC §11)."""
TUTOR_LINKS_DIR = "tutor-links"
"""One JSON record per tutor link (`portfolio.app.tutor_links`); `forget` deletes a worker's."""
WORKER_LINKS_DIR = "worker-links"
"""One JSON record per worker's personal link (`portfolio.app.worker_links`); `forget` deletes
a worker's."""
DEFAULT_OUTPUT = "documents"
"""The folder of a workspace that `build` (and `demo`) write into unless told otherwise."""
REPORT_STEM = "rapport-programme"
"""The file name (without its suffix) `report` writes unless told otherwise."""


def bundled(name: str) -> Path:
    """Path of a bundled folder: `referentiels`, `templates`, `demo` or `docs`."""
    inside = _PACKAGE / "_data" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def referentiels_dir() -> Path:
    return bundled("referentiels")


def templates_dir() -> Path:
    return bundled("templates")


def demo_dir() -> Path:
    return bundled("demo")


def docs_dir() -> Path:
    return bundled("docs")
