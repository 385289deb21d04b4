"""The Jinja environment: user text is always escaped, mistakes in templates fail loudly."""

from __future__ import annotations

import jinja2
import pytest

from portfolio.render.environment import asset_url, jinja_environment, render_html


def test_html_j2_templates_are_autoescaped() -> None:
    html = render_html(
        "base.html.j2", doc={"title": "<b>x</b>", "author": "a", "footer": '"><script>'}
    )
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in html
    assert "<script>" not in html


def test_template_syntax_in_user_text_is_not_evaluated() -> None:
    html = jinja_environment().from_string("{{ name }}").render(name="{{ 7*7 }} {% if %}")
    assert html == "{{ 7*7 }} {% if %}"


def test_undefined_variable_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        jinja_environment().from_string("{{ missing }}").render()


def test_french_filters_are_registered() -> None:
    rendered = jinja_environment().from_string("{{ 12.5|fr_hours }}").render()
    assert rendered == "12,5\u00a0h"


def test_environment_is_shared() -> None:
    assert jinja_environment() is jinja_environment()


def test_asset_url_points_inside_the_assets_folder() -> None:
    url = asset_url("pictograms/transversal.svg")
    assert url.startswith("file://")
    assert url.endswith("/templates/assets/pictograms/transversal.svg") or "/_data/" in url
