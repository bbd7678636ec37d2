"""SVG building blocks for the charts: frame, axes, legend, colours.

Coordinates are floats because pixels are; the figures themselves stay exact and only
appear here as text already formatted by `fmt`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

from anthropic_ingest.report import fmt

# Tableau 10: distinct, print-friendly, readable for the common colour-vision deficiencies.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
OTHER_COLOUR = "#c7c7c7"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def esc(text: str) -> str:
    return escape(text, quote=True)


@dataclass(frozen=True)
class Frame:
    """The drawing area of a chart inside its margins."""

    width: float = 520
    height: float = 250
    left: float = 56
    right: float = 28
    top: float = 30
    bottom: float = 40

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return self.top + self.plot_height


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `maximum` (steps of 1, 2, 2.5 or 5 x 10^k)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    steps = math.ceil(maximum / step - 1e-9)
    return [i * step for i in range(steps + 1)]


def open_svg(frame: Frame, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {frame.width:.0f} {frame.height:.0f}" '
        f'role="img" aria-label="{esc(label)}">'
        f"<title>{esc(label)}</title>"
    )


def y_axis(frame: Frame, ticks: list[float], unit: fmt.Unit, y_label: str) -> str:
    """Horizontal grid lines with their labels, and the axis title."""
    top = ticks[-1]
    parts = []
    for value in ticks:
        y = frame.base - value / top * frame.plot_height
        parts.append(
            f'<line class="gridline" x1="{frame.left}" x2="{frame.width - frame.right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{esc(fmt.tick(value, unit))}</text>"
        )
    parts.append(f'<text class="axis-title" x="8" y="{frame.top - 14}">{esc(y_label)}</text>')
    return "".join(parts)


def x_label(x: float, frame: Frame, text: str, year: str = "") -> str:
    """A day's label under the axis, with the year on a second line when given."""
    under = (
        f'<text class="tick year" x="{x:.1f}" y="{frame.base + 30}" text-anchor="middle">'
        f"{esc(year)}</text>"
        if year
        else ""
    )
    return (
        f'<text class="tick" x="{x:.1f}" y="{frame.base + 16}" text-anchor="middle">'
        f"{esc(text)}</text>{under}"
    )


def day_labels(days: list[date], every: int) -> dict[int, tuple[str, str]]:
    """Labels for every `every`-th day: "Aug 4", with the year under the first label and
    under each label whose year differs from the previous label's."""
    labels: dict[int, tuple[str, str]] = {}
    previous: int | None = None
    for i in range(0, len(days), every):
        year = days[i].year
        labels[i] = (fmt.short_day(days[i]), str(year) if year != previous else "")
        previous = year
    return labels


def hatch(pattern_id: str, paint: str) -> str:
    """A diagonal-stripe pattern, for marks that cover only part of their period."""
    return (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{paint}" fill-opacity="0.55"/></pattern></defs>'
    )


def label_every(count: int, room: int = 10) -> int:
    """Label every n-th category so that at most about `room` labels are drawn."""
    return max(1, math.ceil(count / room))


def legend(names: list[str], colours: list[str]) -> str:
    """An HTML legend under the chart: it wraps, where an SVG one would overlap."""
    items = "".join(
        f'<span><i style="background:{swatch}"></i>{esc(name)}</span>'
        for name, swatch in zip(names, colours, strict=True)
    )
    return f'<div class="legend">{items}</div>'


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
