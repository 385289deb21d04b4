"""Small SVG charts for the coverage and programme report documents (SPEC §10).

Plain SVG written here rather than a plotting library: the charts are simple, they must render
offline in WeasyPrint and in a browser alike, and every label goes through `escape`, so a name
typed in a workspace file can never become markup. Each function returns a complete `<svg>`
element marked safe for Jinja, with a `<title>` for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from portfolio.french import fr_number

FONT = "Atkinson Hyperlegible, sans-serif"
INK = "#111"
GRID = "#ccc"
MUTED = "#555"
SERIES_COLOURS = ("#1f5f8b", "#d9822b", "#4c9a2a", "#8e44ad")
BAND_FILL = "#dff0d8"
WIDTH = 640


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`: a round top for an axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value * (1 - 1e-9):
            return step * power
    return 10 * power


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: float = 11,
    fill: str = INK,
    bold: bool = False,
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{weight}>{escape(content)}</text>'
    )


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
        f'height="{max(height, 0):.1f}" fill="{fill}"/>'
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, dash: bool = False
) -> str:
    dashes = ' stroke-dasharray="4 3"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
        f'stroke-width="1"{dashes}/>'
    )


def _svg(height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'font-family="{FONT}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _legend(x: float, y: float, names: Sequence[str], colours: Sequence[str]) -> list[str]:
    parts = []
    for name, colour in zip(names, colours, strict=True):
        parts += [_rect(x, y - 9, 10, 10, colour), _text(x + 14, y, name)]
        x += 24 + 6.5 * len(name)
    return parts


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    unit: str = "h",
) -> Markup:
    """Horizontal grouped bars: one group per category, one bar per series, value at its end."""
    label_width, right, top, bar, gap = 190.0, 70.0, 34.0, 13.0, 10.0
    plot = WIDTH - label_width - right
    top_value = nice_ceiling(max((v for _, values in series for v in values), default=0))
    group = bar * len(series) + gap
    height = top + group * len(categories) + 24
    colours = SERIES_COLOURS[: len(series)]
    body = _legend(label_width, 16, [name for name, _ in series], colours)
    for tick in range(5):
        x = label_width + plot * tick / 4
        body += [
            _line(x, top - 4, x, height - 20),
            _text(x, height - 6, fr_number(top_value * tick / 4, 0), anchor="middle", fill=MUTED),
        ]
    for row, category in enumerate(categories):
        y = top + row * group
        body.append(_text(label_width - 8, y + group / 2 + 1, category, anchor="end"))
        for index, (_, values) in enumerate(series):
            width = plot * values[row] / top_value
            bar_y = y + index * bar
            body += [
                _rect(label_width, bar_y, width, bar - 2, colours[index]),
                _text(
                    label_width + width + 4,
                    bar_y + bar - 4,
                    f"{fr_number(values[row], 0)} {unit}",
                    size=10,
                ),
            ]
    return _svg(height, title, body)


def histogram(
    bins: Sequence[tuple[float, float | None, int]],
    band: tuple[float, float],
    *,
    title: str,
) -> Markup:
    """Workers per ratio bin, with the wanted band shaded behind the bars.

    `bins` are (low, high, count) with an open last bin (high None), as fractions (0.05 = 5 %).
    """
    left, right, top, bottom = 50.0, 20.0, 30.0, 40.0
    height = 240.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    width = plot_w / len(bins)
    last_low = bins[-1][0]
    step = (bins[1][0] - bins[0][0]) if len(bins) > 1 else 1.0

    def x_of(ratio: float) -> float:
        return left + min(ratio, last_low + step) / (last_low + step) * plot_w

    top_count = 4 * math.ceil((max((c for _, _, c in bins), default=0) + 1) / 4)
    body = [
        _rect(x_of(band[0]), top, x_of(band[1]) - x_of(band[0]), plot_h, BAND_FILL),
        _text(
            (x_of(band[0]) + x_of(band[1])) / 2,
            top - 8,
            f"fourchette voulue {fr_number(band[0] * 100, 0)}–{fr_number(band[1] * 100, 0)} %",
            anchor="middle",
            size=10,
            fill=MUTED,
        ),
    ]
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        body += [
            _line(left, y, WIDTH - right, y),
            _text(left - 6, y + 4, str(top_count * tick // 4), anchor="end", fill=MUTED),
        ]
    for index, (low, high, count) in enumerate(bins):
        x = left + index * width
        bar_h = plot_h * count / top_count
        body.append(_rect(x + 2, top + plot_h - bar_h, width - 4, bar_h, SERIES_COLOURS[0]))
        if count:
            body.append(_text(x + width / 2, top + plot_h - bar_h - 4, str(count), anchor="middle"))
        body.append(_text(x, top + plot_h + 14, fr_number(low * 100, 0), anchor="middle", size=10))
        if high is None:
            body.append(
                _text(
                    x + width / 2, top + plot_h + 14, "et plus", anchor="middle", size=9, fill=MUTED
                )
            )
    body.append(
        _text(
            left + plot_w / 2,
            height - 6,
            "heures de formation / heures de travail (%)",
            anchor="middle",
            fill=MUTED,
        )
    )
    return _svg(height, title, body)


def line_chart(
    labels: Sequence[str],
    lines: Sequence[tuple[str, Sequence[float | None], bool]],
    *,
    title: str,
    unit: str = "h",
) -> Markup:
    """Lines over the months: (name, values, dashed); a None value ends the line there."""
    left, right, top, bottom = 60.0, 20.0, 34.0, 40.0
    height = 260.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [v for _, points, _ in lines for v in points if v is not None]
    top_value = nice_ceiling(max(values, default=0))
    step = plot_w / max(len(labels) - 1, 1)
    colours = SERIES_COLOURS[: len(lines)]
    body = _legend(left, 16, [name for name, _, _ in lines], colours)
    for tick in range(5):
        y = top + plot_h - plot_h * tick / 4
        body += [
            _line(left, y, WIDTH - right, y),
            _text(
                left - 6,
                y + 4,
                f"{fr_number(top_value * tick / 4, 0)} {unit}",
                anchor="end",
                size=10,
                fill=MUTED,
            ),
        ]
    for index, label in enumerate(labels):
        body.append(_text(left + index * step, top + plot_h + 14, label, anchor="middle", size=9))
    for (_, points, dashed), colour in zip(lines, colours, strict=True):
        coords = [
            f"{left + i * step:.1f},{top + plot_h - plot_h * v / top_value:.1f}"
            for i, v in enumerate(points)
            if v is not None
        ]
        dashes = ' stroke-dasharray="6 4"' if dashed else ""
        body.append(
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dashes}/>'
        )
    return _svg(height, title, body)
