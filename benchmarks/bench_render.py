"""Render time of the printed documents over the demo workers, against bare WeasyPrint.

    python benchmarks/bench_render.py [--workspace DIR] [--as-of 2026-06-30] [--rounds 2]

For each demo worker and each document (`dossier`, `portfolio`), the whole pipeline is timed
(assessment, plan, view, Jinja, PDF with the restricted fetcher, PDF/UA-1 and metadata), then a
bare WeasyPrint render of the very same HTML string with the same stylesheet files in the same
process (`HTML(string=…).write_pdf(stylesheets=[…])`, default fetcher, no PDF variant). Both run
interleaved, `--rounds` times, keeping the fastest of each, so that a busy machine hurts both
alike. Target (issue "Printed documents"): ratio pipeline / bare ≤ 1.10.

CPU time (`time.process_time`) is reported next to wall-clock time: on a shared machine the wall
clock also counts the time other processes took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf

from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Worker
from portfolio.render.documents import (
    DOCUMENT_KINDS,
    DocumentKind,
    RenderedDocument,
    render_document,
)
from portfolio.render.pdf import stylesheet_names, stylesheet_path, weasyprint_and_fonts
from portfolio.resources import demo_dir, templates_dir


def clock(func: Callable[..., bytes], *args: Any) -> tuple[float, float, bytes]:
    """(wall seconds, CPU seconds, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def pipeline_pdf(ws: Workspace, worker: Worker, kind: DocumentKind, as_of: dt.date) -> bytes:
    """Everything `portfolio render` does after loading the workspace."""
    return render_document(ws, worker, kind, as_of).pdf()


def bare_pdf(document: RenderedDocument) -> bytes:
    """What a plain WeasyPrint call would do with the same HTML and stylesheets."""
    weasyprint, _ = weasyprint_and_fonts()
    paths = [str(stylesheet_path(n)) for n in stylesheet_names(list(document.stylesheets))]
    return weasyprint.HTML(string=document.html, base_url=templates_dir().as_uri() + "/").write_pdf(
        stylesheets=paths
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=demo_dir())
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    ws, _ = load_workspace(args.workspace)
    weasyprint_and_fonts()
    bare_pdf(render_document(ws, next(iter(ws.workers.values())), "dossier", args.as_of))

    rows: dict[str, list[tuple[int, float, float, float, float]]] = {k: [] for k in DOCUMENT_KINDS}
    for worker_id in sorted(ws.workers):
        worker = ws.workers[worker_id]
        for kind in DOCUMENT_KINDS:
            ours_wall = ours_cpu = bare_wall = bare_cpu = float("inf")
            for _ in range(args.rounds):
                w, c, data = clock(pipeline_pdf, ws, worker, kind, args.as_of)
                ours_wall, ours_cpu = min(ours_wall, w), min(ours_cpu, c)
                document = render_document(ws, worker, kind, args.as_of)
                w, c, _ = clock(bare_pdf, document)
                bare_wall, bare_cpu = min(bare_wall, w), min(bare_cpu, c)
            pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
            rows[kind].append((pages, ours_wall, ours_cpu, bare_wall, bare_cpu))
            print(
                f"{worker_id:<14} {kind:<9} {pages:>3} p  pipeline {ours_wall:5.2f} s "
                f"(CPU {ours_cpu:5.2f})  bare {bare_wall:5.2f} s (CPU {bare_cpu:5.2f})",
                file=sys.stderr,
            )

    print(f"\n{len(ws.workers)} workers, as of {args.as_of}, best of {args.rounds} rounds")
    header = "document   pages/doc  s/doc  s/page  CPU s/page  bare s/doc  ratio  ratio CPU"
    print(header)
    for kind, data in rows.items():
        pages = sum(r[0] for r in data)
        ours, ours_cpu = sum(r[1] for r in data), sum(r[2] for r in data)
        bare, bare_cpu = sum(r[3] for r in data), sum(r[4] for r in data)
        print(
            f"{kind:<10} {statistics.mean(r[0] for r in data):9.1f} {ours / len(data):6.2f} "
            f"{ours / pages:7.3f} {ours_cpu / pages:11.3f} {bare / len(data):11.2f} "
            f"{ours / bare:6.2f} {ours_cpu / bare_cpu:10.2f}"
        )


if __name__ == "__main__":
    main()
