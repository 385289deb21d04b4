"""Per-page render cost of every kind of document a build makes, against bare WeasyPrint.

    python benchmarks/bench_build_render.py [--workspace DIR] [--as-of 2026-06-30] [--rounds 2]

Target (issue 15, item 5): stylesheets and fonts parsed once per process, and a ratio
pipeline / bare WeasyPrint ≤ 1.10. For each document of the demo (every worker's dossier and
portfolio, every catalogue's coverage, the programme report), its HTML is made once, then three
renders of that same HTML are timed, interleaved, best of `--rounds`:

- `pipeline`: `render.pdf.html_to_pdf`, as a build's process runs it: the process's one
  `FontConfiguration` and its `CSS` objects parsed once, the restricted fetcher, PDF/UA-1 and
  the metadata;
- `uncached`: the same options, but the stylesheets parsed and a `FontConfiguration` made for
  each document (what each render did before they were kept per process);
- `bare`: a plain WeasyPrint call with the same options: `HTML(string=…).render(stylesheets=
  [files])`, the same metadata, `write_pdf(pdf_variant="pdf/ua-1")`, WeasyPrint's own fetcher.

CPU time (`time.process_time`) is what the ratios use: on a shared machine the wall clock also
counts other processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf

from portfolio.coverage import body_coverage
from portfolio.load import load_workspace
from portfolio.render.consent import consenting
from portfolio.render.documents import DOCUMENT_KINDS, render_document
from portfolio.render.federation import (
    STYLESHEET,
    coverage_html,
    coverage_info,
    report_html,
    report_info,
)
from portfolio.render.pdf import (
    PDF_VARIANT,
    fetcher,
    html_to_pdf,
    stylesheet_names,
    stylesheet_path,
    weasyprint_and_fonts,
)
from portfolio.report import assess_cohort, programme_report
from portfolio.resources import demo_dir, templates_dir


@dataclass(frozen=True)
class Sample:
    """One document to render: its kind, HTML, metadata and stylesheets."""

    kind: str
    html: str
    title: str
    author: str
    stylesheets: list[str]


def samples(root: Path, as_of: dt.date) -> list[Sample]:
    ws, _ = load_workspace(root)
    found = []
    for worker in sorted(ws.workers.values(), key=lambda w: w.id):
        if worker.consent is None or not worker.consent.given:
            continue
        for kind in DOCUMENT_KINDS:
            doc = render_document(ws, worker, kind, as_of)
            found.append(Sample(kind, doc.html, doc.title, doc.author, list(doc.stylesheets)))
    cohort = consenting(ws, assess_cohort(ws, as_of))
    author = (ws.settings.federation or ws.settings.name) if ws.settings else ""
    for catalog in ws.catalogs:
        coverage = body_coverage(ws, catalog.body.id, {w: a for w, (a, _) in cohort.items()}, as_of)
        info = coverage_info(coverage, author)
        found.append(
            Sample("coverage", coverage_html(coverage, author), info.title, author, [STYLESHEET])
        )
    report = programme_report(ws, cohort, as_of)
    info = report_info(report)
    found.append(Sample("report", report_html(report), info.title, info.author, [STYLESHEET]))
    return found


def _write(document, sample: Sample) -> bytes:  # type: ignore[no-untyped-def]
    document.metadata.title = sample.title
    document.metadata.authors = [sample.author]
    document.metadata.lang = "fr"
    document.metadata.attachments = []
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def pipeline(sample: Sample) -> bytes:
    return html_to_pdf(
        sample.html, title=sample.title, author=sample.author, stylesheets=sample.stylesheets
    )


def uncached(sample: Sample) -> bytes:
    weasyprint, _ = weasyprint_and_fonts()
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [
        weasyprint.CSS(
            string=stylesheet_path(n).read_text(encoding="utf-8"),
            base_url=stylesheet_path(n).as_uri(),
            url_fetcher=fetcher(),
            font_config=fonts,
        )
        for n in stylesheet_names(sample.stylesheets)
    ]
    document = weasyprint.HTML(
        string=sample.html, base_url=templates_dir().as_uri() + "/", url_fetcher=fetcher()
    ).render(stylesheets=sheets, font_config=fonts)
    return _write(document, sample)


def bare(sample: Sample) -> bytes:
    weasyprint, _ = weasyprint_and_fonts()
    paths = [str(stylesheet_path(n)) for n in stylesheet_names(sample.stylesheets)]
    document = weasyprint.HTML(string=sample.html, base_url=templates_dir().as_uri() + "/").render(
        stylesheets=paths
    )
    return _write(document, sample)


def cpu(func: Callable[[Sample], bytes], sample: Sample) -> tuple[float, bytes]:
    start = time.process_time()
    result = func(sample)
    return time.process_time() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=demo_dir())
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 30))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    found = samples(args.workspace, args.as_of)
    pipeline(found[0])  # imports, font configuration and first parse out of the figures
    renders = {"pipeline": pipeline, "uncached": uncached, "bare": bare}
    totals: dict[str, dict[str, float]] = {}
    for sample in found:
        best = dict.fromkeys(renders, float("inf"))
        for _ in range(args.rounds):
            for name, render in renders.items():
                seconds, data = cpu(render, sample)
                best[name] = min(best[name], seconds)
        pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
        row = totals.setdefault(sample.kind, {"docs": 0, "pages": 0, **dict.fromkeys(renders, 0)})
        row["docs"] += 1
        row["pages"] += pages
        for name in renders:
            row[name] += best[name]
        print(
            f"{sample.kind:<9} {pages:>3} p  "
            + "  ".join(f"{name} {best[name]:.2f} s" for name in renders),
            file=sys.stderr,
        )
    print(f"\n{args.workspace.name}, au {args.as_of}, meilleur de {args.rounds} (temps CPU)")
    print(
        "document   docs  pages  s/page pipeline  s/page non gardé  s/page nu  "
        "pipeline/nu  non gardé/pipeline"
    )
    for kind, row in totals.items():
        per_page = {name: row[name] / row["pages"] for name in renders}
        print(
            f"{kind:<10} {row['docs']:>4} {row['pages']:>6} {per_page['pipeline']:>16.3f} "
            f"{per_page['uncached']:>17.3f} {per_page['bare']:>10.3f} "
            f"{row['pipeline'] / row['bare']:>12.2f} {row['uncached'] / row['pipeline']:>19.2f}"
        )


if __name__ == "__main__":
    main()
