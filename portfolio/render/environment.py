"""The one Jinja2 environment every document is rendered with (SPEC §10).

Autoescaping is on for every template name (``select_autoescape`` would skip ``*.html.j2``), so
user text is always printed as text; ``StrictUndefined`` makes a misspelt variable an error
instead of a silent blank on a printed page.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from portfolio.french import end_sentence, fr_date, fr_hours, fr_number, fr_period, plural
from portfolio.resources import templates_dir


def asset_url(name: str) -> str:
    """Absolute ``file:`` URL of a file in ``templates/assets/`` (pictograms…).

    The PDF fetcher serves it since it lies inside the assets folder; ``standalone_html`` replaces
    it with the file's content (a ``data:`` URL), so that no HTML written names the install path.
    """
    return (templates_dir() / "assets" / name).resolve().as_uri()


@lru_cache(maxsize=1)
def jinja_environment() -> jinja2.Environment:
    """The shared environment: templates from the package's ``templates/`` folder, compiled
    once per process (``auto_reload`` off: a server would otherwise look at every template
    file's date on each page)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["fr_date"] = fr_date
    env.filters["fr_number"] = fr_number
    env.filters["fr_hours"] = fr_hours
    env.filters["end_sentence"] = end_sentence
    env.filters["plural"] = plural
    env.globals["fr_period"] = fr_period
    env.globals["asset_url"] = asset_url
    return env


def render_html(template: str, **context: object) -> str:
    """Render one template of the package with already-computed view data."""
    return jinja_environment().get_template(template).render(**context)
