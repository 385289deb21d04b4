"""A build's rendering on a Dask distributed cluster (SPEC §13 `build --scheduler ADDRESS`).

The command streams the workers and decides what to render exactly as a local build does; only
the rendering goes to the cluster, in batches of documents (one task per document would spend
more on scheduling than on WeasyPrint's start-up). Each Dask worker process loads the shared
files of the workspace once, from the same path (a network file system shared by every
machine), checks that it sees the very files and software the command hashed, and writes each
document atomically into the shared output folder. The manifest is written by the command
alone, as outcomes come back: a Dask worker killed mid-batch leaves at worst a hidden temporary
file, its batch is run again on another worker (Dask reschedules the tasks of a lost worker), and
writing a document twice writes the same bytes.

`distributed` is an optional dependency (`pip install 'vae-portfolio[dask]'`); this module
imports it only when a build is sent to a cluster.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

from portfolio.build import Outcome, Task, shared_fingerprint, write_document
from portfolio.issues import PortfolioError
from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace

BATCH = 4
"""Documents per task: about 3 s of rendering, against a few milliseconds of scheduling; larger
batches leave a core idle at the end of a build while the last one finishes elsewhere."""
CONNECT_SECONDS = 15
INSTALL = "pip install 'vae-portfolio[dask]'"

_loaded: dict[tuple[str, str], Workspace] = {}
_rendering = threading.Lock()
"""WeasyPrint is not made to run in several threads of one process: a Dask worker started
with several threads renders one document at a time all the same."""


class DaskRenderer:
    """The cluster behind a scheduler's address, seen as a renderer of `portfolio.build`."""

    batch = BATCH

    def __init__(self, address: str, root: Path, out: Path, as_of: dt.date, shared: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise PortfolioError(
                f"--scheduler demande le module Dask distributed, absent : installez-le avec "
                f"« {INSTALL} »."
            ) from None
        try:
            self.client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise PortfolioError(
                f"Impossible de joindre l'ordonnanceur Dask « {address} » ({exc}). Vérifiez "
                "l'adresse (par exemple tcp://10.0.0.5:8786) et que « dask scheduler » tourne."
            ) from None
        self.arguments = (str(root), str(out), as_of.isoformat(), shared)
        threads = sum(self.client.nthreads().values()) or 1
        self.in_flight = 2 * threads

    def submit(self, tasks: list[Task]) -> Any:
        return self.client.submit(render_batch, *self.arguments, tasks, pure=False, retries=1)

    def wait(self, pending: Collection[Any]) -> Collection[Any]:
        from distributed import wait

        with self.client.as_current():  # `wait` asks for the current client: the command has none
            return wait(list(pending), return_when="FIRST_COMPLETED").done

    def outcomes(self, future: Any, tasks: list[Task]) -> list[Outcome]:
        """The batch's outcomes; a batch the cluster could not run (its workers kept dying,
        say) fails each of its documents, with the reason, and the build goes on."""
        try:
            return future.result()
        except Exception as exc:
            reason = f"rendu sur la grappe Dask impossible ({type(exc).__name__} : {exc})"
            return [(job.output, reason) for job, _ in tasks]

    def close(self) -> None:
        self.client.close()


def render_batch(root: str, out: str, as_of: str, shared: str, tasks: list[Task]) -> list[Outcome]:
    """On a Dask worker: render and write a batch of documents."""
    with _rendering:
        ws = _workspace(root, dt.date.fromisoformat(as_of), shared)
        if ws is None:
            reason = (
                "le nœud de la grappe ne voit pas les mêmes fichiers que la commande "
                f"(référentiels, catalogues, workspace.yaml, modèles ou version du logiciel, dans "
                f"{root}) : partagez le même dossier et installez la même version partout"
            )
            return [(job.output, reason) for job, _ in tasks]
        return [write_document(job, payload, Path(out), ws) for job, payload in tasks]


def _workspace(root: str, as_of: dt.date, shared: str) -> Workspace | None:
    """The shared files, loaded once per worker process and build; None when this machine
    does not see what the command hashed (a stale copy, another version of the software)."""
    key = (root, shared)
    if key not in _loaded:
        if shared_fingerprint(Path(root), as_of) != shared:
            return None
        from portfolio.render.pdf import weasyprint_and_fonts

        weasyprint_and_fonts()
        _loaded.clear()
        _loaded[key], _ = load_workspace(Path(root), workers=False)
        gc.freeze()  # see `portfolio.build._init_process`
    return _loaded[key]
