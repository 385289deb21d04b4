"""SVG charts of the coverage and report documents (SPEC §10): escaped text, round axes."""

from __future__ import annotations

from portfolio.render.charts import bar_chart, histogram, line_chart, nice_ceiling


def test_labels_are_escaped() -> None:
    svg = bar_chart(["<script>&"], [("a<b", [3.0])], title="t<i>")
    assert "<script>" not in svg
    assert "&lt;script&gt;&amp;" in svg
    assert "<title>t&lt;i&gt;</title>" in svg


def test_axis_tops_are_round_numbers() -> None:
    assert [nice_ceiling(v) for v in (0, 3, 390, 1000, 1001, 0.07)] == [1, 5, 500, 1000, 2000, 0.1]


def test_histogram_draws_one_bar_per_bin_and_the_band() -> None:
    svg = histogram([(0.0, 0.05, 2), (0.05, 0.10, 0), (0.10, None, 1)], (0.05, 0.10), title="h")
    assert svg.count('fill="#1f5f8b"') == 3
    assert "fourchette voulue 5–10 %" in svg


def test_line_stops_at_the_first_missing_value() -> None:
    svg = line_chart(["a", "b", "c"], [("x", [1.0, 2.0, None], False)], title="l")
    points = svg.split('points="')[1].split('"')[0].split()
    assert len(points) == 2
