"""The programme and coverage pages count what the commands count, from one pass over the
workers that keeps only the figures (SPEC §13): a server of a large federation used to keep
every worker's assessment for them."""

from __future__ import annotations

import json
from pathlib import Path

from web_support import AS_OF

from portfolio.app.documents import coverage_output, report_output
from portfolio.app.live import LiveWorkspace
from portfolio.model.evidence import Assessment
from portfolio.web import views


def holds_assessments(value: object) -> bool:
    return isinstance(value, dict) and any(
        isinstance(kept, tuple) and kept and isinstance(kept[0], Assessment)
        for kept in value.values()
    )


def test_the_pages_show_the_commands_figures_and_keep_no_assessment(web_root: Path) -> None:
    snap = LiveWorkspace(web_root).current()
    report = views.programme_page(snap, AS_OF).report
    assert report.model_dump_json(indent=2) + "\n" == report_output(
        web_root, "json", AS_OF, pseudonymise=False
    )
    for catalog in snap.ws.catalogs:
        body = catalog.body.id
        page = views.coverage_page(snap, body, AS_OF)
        figures = json.loads(coverage_output(web_root, body, None, "json", AS_OF))
        needing = {
            comp["id"]: comp["needing"]
            for ref in figures["referentiels"]
            for block in ref["blocks"]
            for comp in block["competencies"]
            if comp["needing"]
        }
        assert {need.id: need.needing for need in page.needs} == needing
    kept = list(snap.light._values.values())  # the cache of values computed from the snapshot
    assert kept and not any(holds_assessments(value) for value in kept)
