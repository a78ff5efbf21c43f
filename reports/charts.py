"""Charts of the dashboard as inline SVG, drawn on the server: no JavaScript, no CDN, readable when
printed. Two shapes cover the dashboard: horizontal stacked bars (a figure per district, split by
type or by urban/rural) and columns (grades, years)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours that stay apart for the colour-blind (Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
# Presentation attributes, not style="…": the Content-Security-Policy admits no inline style (decision 0132).
FONT = 'font-family="sans-serif" font-size="12"'
TITLE_FONT = 'font-family="sans-serif" font-size="14" font-weight="bold"'


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float]
    colour: str = ""


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _nice_max(value: float) -> float:
    """A round upper end for an axis (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _legend(series: list[Series], x: float, y: float) -> list[str]:
    parts = []
    for index, item in enumerate(series):
        left = x + index * 150
        parts.append(f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{item.colour}"/>')
        parts.append(f'<text x="{left + 18}" y="{y}" {FONT}>{escape(item.label)}</text>')
    return parts


def _coloured(series: list[Series]) -> list[Series]:
    return [
        Series(item.label, item.values, item.colour or PALETTE[index % len(PALETTE)])
        for index, item in enumerate(series)
    ]


def stacked_bars(
    *, title: str, categories: list[str], series: list[Series], width: int = 640, highlight: str | None = None
) -> SafeString:
    """One horizontal bar per category, its parts stacked by series, the total at its end; the
    `highlight` category (the district chosen on the dashboard) on a shaded band, its label in bold."""
    series = _coloured(series)
    label_width, bar_height, gap, top = 90, 18, 8, 50
    plot_width = width - label_width - 70
    totals = [sum(item.values[i] for item in series) for i in range(len(categories))]
    scale = plot_width / _nice_max(max(totals, default=0))
    height = top + len(categories) * (bar_height + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" {TITLE_FONT}>{escape(title)}</text>',
        *_legend(series, label_width, 38),
    ]
    for row, category in enumerate(categories):
        y = top + row * (bar_height + gap)
        weight = ""
        if category == highlight:
            parts.append(f'<rect x="0" y="{y - 3}" width="{width}" height="{bar_height + 6}" fill="#fdf3c4"/>')
            weight = ' font-weight="bold"'
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" {FONT}{weight}>{escape(category)}</text>'
        )
        x = label_width
        for item in series:
            value = item.values[row]
            if value:
                length = value * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{item.colour}">'
                    f"<title>{escape(category)} · {escape(item.label)}: {_number(value)}</title></rect>"
                )
                x += length
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 13}" {FONT}>{_number(totals[row])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def columns(
    *, title: str, categories: list[str], series: list[Series], width: int = 640, label_every: int = 1
) -> SafeString:
    """Vertical columns, one per category, parts stacked by series; a value above each column."""
    series = _coloured(series)
    left, top, bottom, height = 50, 50, 30, 260
    plot_height = height - top - bottom
    totals = [sum(item.values[i] for item in series) for i in range(len(categories))]
    axis_max = _nice_max(max(totals, default=0))
    scale = plot_height / axis_max
    slot = (width - left - 10) / max(len(categories), 1)
    bar = max(slot * 0.7, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" {TITLE_FONT}>{escape(title)}</text>',
    ]
    if len(series) > 1:
        parts += _legend(series, left, 38)
    for fraction in (0, 0.5, 1):
        y = top + plot_height * (1 - fraction)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        tick = _number(axis_max * fraction)
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{tick}</text>')
    for index, category in enumerate(categories):
        x = left + index * slot + (slot - bar) / 2
        y = top + plot_height
        for item in series:
            value = item.values[index]
            if value:
                length = value * scale
                y -= length
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{length:.1f}" fill="{item.colour}">'
                    f"<title>{escape(category)} · {escape(item.label)}: {_number(value)}</title></rect>"
                )
        if len(categories) <= 12 or index % label_every == 0:  # a value for every labelled column
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" {FONT}>'
                f"{_number(totals[index])}</text>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_height + 16}" text-anchor="middle" {FONT}>'
                f"{escape(category)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
