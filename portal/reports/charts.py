"""Bar charts drawn on the server as SVG: no script, no inline style, no third-party library or CDN.

Each chart is an image with a title and a description for screen readers; the page puts the same figures
in a table beside it. Colours come from classes in portal.css, so the strict style policy holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 26  # height of one horizontal bar's row
LABEL = 250  # width of the label column of a horizontal chart
PLOT = 470  # width of the bars' area
WIDTH = LABEL + PLOT + 60  # 780: the page's width
COLUMN = 46  # width of one column of a vertical chart
PLOT_HEIGHT = 180


@dataclass(frozen=True)
class Bar:
    """One bar: its label and share (0 to 1), or None when the figure is hidden or has no denominator."""

    label: str
    value: float | None
    hidden: bool = False
    detail: str = ""  # a tooltip, e.g. "12 of 40 forms"


def percent(value: float | None) -> str:
    """Format a share as a whole percentage."""
    return "" if value is None else f"{round(value * 100)}%"


def _value_text(bar: Bar) -> str:
    """Return what a bar shows as its value."""
    if bar.hidden:
        return "hidden"
    return percent(bar.value) if bar.value is not None else "none"


def _frame(chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> Markup:
    """Wrap chart parts in an accessible SVG element."""
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _tip(bar: Bar) -> str:
    """Return a bar's tooltip element."""
    detail = f" — {bar.detail}" if bar.detail else ""
    return f"<title>{escape(bar.label)}: {escape(_value_text(bar))}{escape(detail)}</title>"


def _describe(bars: Sequence[Bar]) -> str:
    """Return a one-sentence reading of a chart, for screen readers."""
    parts = [f"{b.label}: {_value_text(b)}" for b in bars]
    return "Bar chart. " + "; ".join(parts) + ". The table beside it gives the same figures."


def horizontal(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """Draw a horizontal bar chart of shares, one labelled row per bar."""
    height = ROW * len(bars) + 30
    body = [
        f'<line class="axis" x1="{LABEL}" y1="0" x2="{LABEL}" y2="{ROW * len(bars)}"/>',
        *[
            f'<line class="grid" x1="{LABEL + PLOT * q / 4:.0f}" y1="0" x2="{LABEL + PLOT * q / 4:.0f}" '
            f'y2="{ROW * len(bars)}"/><text class="tick" x="{LABEL + PLOT * q / 4:.0f}" '
            f'y="{ROW * len(bars) + 18}" text-anchor="middle">{q * 25}%</text>'
            for q in range(5)
        ],
    ]
    for i, bar in enumerate(bars):
        y = i * ROW
        label = bar.label if len(bar.label) <= 38 else bar.label[:36] + "…"
        body.append(
            f'<text class="label" x="{LABEL - 8}" y="{y + ROW * 0.65:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        tip = _tip(bar)
        if bar.hidden:
            body.append(
                f'<rect class="bar hidden" x="{LABEL}" y="{y + 4}" width="{PLOT}" '
                f'height="{ROW - 8}">{tip}</rect>'
            )
            body.append(f'<text class="value" x="{LABEL + 6}" y="{y + ROW * 0.65:.1f}">hidden</text>')
            continue
        width = PLOT * (bar.value or 0.0)
        body.append(
            f'<rect class="bar" x="{LABEL}" y="{y + 4}" width="{width:.1f}" height="{ROW - 8}">{tip}</rect>'
        )
        body.append(
            f'<text class="value" x="{LABEL + width + 6:.1f}" y="{y + ROW * 0.65:.1f}">'
            f"{escape(_value_text(bar))}</text>"
        )
    return _frame(chart_id, title, _describe(bars), WIDTH, height, body)


def vertical(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """Draw a column chart of shares over time, oldest first, labels slanted below."""
    left, top, bottom = 76, 20, 100
    width = left + COLUMN * max(len(bars), 1) + 20
    height = top + PLOT_HEIGHT + bottom
    base = top + PLOT_HEIGHT
    body = []
    for q in range(5):
        y = base - PLOT_HEIGHT * q / 4
        body.append(
            f'<line class="grid" x1="{left}" y1="{y:.0f}" x2="{width - 10}" y2="{y:.0f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.0f}" text-anchor="end">{q * 25}%</text>'
        )
    body.append(f'<line class="axis" x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}"/>')
    for i, bar in enumerate(bars):
        x = left + i * COLUMN + 6
        w = COLUMN - 12
        tip = _tip(bar)
        if bar.hidden:
            body.append(
                f'<rect class="bar hidden" x="{x}" y="{top}" width="{w}" height="{PLOT_HEIGHT}">{tip}</rect>'
            )
        else:
            h = PLOT_HEIGHT * (bar.value or 0.0)
            body.append(
                f'<rect class="bar" x="{x}" y="{base - h:.1f}" width="{w}" height="{h:.1f}">{tip}</rect>'
            )
            body.append(
                f'<text class="value" x="{x + w / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle">'
                f"{escape(_value_text(bar))}</text>"
            )
        cx = x + w / 2
        body.append(
            f'<text class="label" x="{cx:.1f}" y="{base + 14}" text-anchor="end" '
            f'transform="rotate(-40 {cx:.1f} {base + 14})">{escape(bar.label)}</text>'
        )
    return _frame(chart_id, title, _describe(bars), width, height, body)
