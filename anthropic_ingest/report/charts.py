"""Self-contained SVG charts: lines over days, bars per day, ranked horizontal bars.

Every mark carries a <title>, so hovering shows the exact figure without any script.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from anthropic_ingest.report import fmt
from anthropic_ingest.report.svg import (
    OTHER_COLOUR,
    Frame,
    colour,
    day_labels,
    esc,
    hatch,
    label_every,
    legend,
    nice_ticks,
    open_svg,
    truncate,
    x_label,
    y_axis,
)

Value = Decimal | int
OTHER = "Other"
# Chart widths in CSS pixels at a 1280-pixel window: half a row, and a whole row. Drawing at
# about the size shown keeps the text at its intended size.
HALF = 520
FULL = 1060


@dataclass(frozen=True)
class Series:
    """A named set of figures per day; a day that is absent counts as zero."""

    name: str
    points: dict[date, Value]

    def at(self, day: date) -> Value:
        return self.points.get(day, 0)

    @property
    def total(self) -> Value:
        return sum(self.points.values(), start=0)


def top_series(series: list[Series], keep: int = 6) -> list[Series]:
    """The `keep` largest series; the rest summed (exactly) into one 'Other' series."""
    ranked = sorted(series, key=lambda s: (-s.total, s.name))
    if len(ranked) <= keep + 1:
        return ranked
    rest: dict[date, Value] = {}
    for s in ranked[keep:]:
        for day, amount in s.points.items():
            rest[day] = rest.get(day, 0) + amount
    return [*ranked[:keep], Series(OTHER, rest)]


def _colours(series: list[Series]) -> list[str]:
    return [OTHER_COLOUR if s.name == OTHER else colour(i) for i, s in enumerate(series)]


def _height(width: int) -> int:
    return 250 if width <= HALF else 300


def _pattern_id(label: str, index: int) -> str:
    """An ID unique on the page (charts have distinct labels), stable between runs."""
    return f"hatch-{zlib.crc32(label.encode()):08x}-{index}"


def _x_labels(days: list[date], frame: Frame, x: Callable[[int], float]) -> list[str]:
    every = label_every(len(days))
    return [x_label(x(i), frame, text, year) for i, (text, year) in day_labels(days, every).items()]


def _legend(series: list[Series], colours: list[str]) -> str:
    """A legend, when there is more than one series to tell apart."""
    return legend([s.name for s in series], colours) if len(series) > 1 else ""


def line_chart(
    label: str,
    days: list[date],
    series: list[Series],
    unit: fmt.Unit,
    y_label: str,
    width: int = HALF,
    partial: Collection[date] = (),
) -> str:
    """One line per series over `days`, with a dot (and tooltip) on every day.

    Periods in `partial` (weeks only partly inside the range) get a hatched band behind
    them and hollow dots.
    """
    frame = Frame(width=width, height=_height(width))
    peak = max((float(s.at(d)) for s in series for d in days), default=0.0)
    ticks = nice_ticks(peak if unit != "percent" else max(peak, 1.0))
    step = frame.plot_width / max(len(days) - 1, 1)

    def x(i: int) -> float:
        return frame.left + (i * step if len(days) > 1 else frame.plot_width / 2)

    def y(v: Value) -> float:
        return frame.base - float(v) / ticks[-1] * frame.plot_height

    parts = [open_svg(frame, label)]
    if partial:
        band, pattern = max(step, 8.0), _pattern_id(label, 0)
        parts.append(hatch(pattern, OTHER_COLOUR))
        parts += [
            f'<rect class="partial" x="{x(i) - band / 2:.1f}" y="{frame.top}" width="{band:.1f}" '
            f'height="{frame.plot_height:.1f}" fill="url(#{pattern})" fill-opacity="0.6"/>'
            for i, d in enumerate(days) if d in partial
        ]  # fmt: skip
    parts += [y_axis(frame, ticks, unit, y_label), *_x_labels(days, frame, x)]
    colours = _colours(series)
    for s, paint in zip(series, colours, strict=True):
        points = [(x(i), y(s.at(d)), d) for i, d in enumerate(days) if d in s.points]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
        parts.append(f'<polyline fill="none" stroke="{paint}" stroke-width="2" points="{path}"/>')
        parts += [
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" '
            + (f'fill="#fff" stroke="{paint}" stroke-width="1.5"' if d in partial
               else f'fill="{paint}"')
            + f"><title>{esc(s.name)}, {_when(d, partial)}: "
            f"{esc(fmt.value(s.at(d), unit))}</title></circle>"
            for px, py, d in points
        ]  # fmt: skip
    parts.append("</svg>")
    return "".join(parts) + _legend(series, colours)


def bar_chart(
    label: str,
    days: list[date],
    series: list[Series],
    unit: fmt.Unit,
    y_label: str,
    stacked: bool = True,
    width: int = HALF,
    partial: Collection[date] = (),
) -> str:
    """Bars per day: stacked (parts of a whole) or side by side (separate measures).

    Periods in `partial` (weeks only partly inside the range) are drawn hatched.
    """
    frame = Frame(width=width, height=_height(width))
    heights = [
        sum((s.at(d) for s in series), start=0) if stacked else max(s.at(d) for s in series)
        for d in days
    ]
    ticks = nice_ticks(float(max(heights, default=0)))
    band = frame.plot_width / max(len(days), 1)
    bar_width = band * 0.8 / (1 if stacked else len(series))
    colours = _colours(series)
    parts = [open_svg(frame, label), y_axis(frame, ticks, unit, y_label)]
    if partial:
        parts += [hatch(_pattern_id(label, j), paint) for j, paint in enumerate(colours)]
    parts += _x_labels(days, frame, lambda i: frame.left + i * band + band * 0.5)
    for i, day in enumerate(days):
        left = frame.left + i * band + band * 0.1
        floor = frame.base
        for j, (s, paint) in enumerate(zip(series, colours, strict=True)):
            amount = s.at(day)
            h = float(amount) / ticks[-1] * frame.plot_height
            bar_x = left if stacked else left + j * bar_width
            top = floor - h if stacked else frame.base - h
            fill = f"url(#{_pattern_id(label, j)})" if day in partial else paint
            edge = f' stroke="{paint}" stroke-width="1"' if day in partial else ""
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{top:.1f}" width="{max(bar_width, 0.5):.1f}" '
                f'height="{h:.1f}" fill="{fill}"{edge}><title>{esc(s.name)}, '
                f"{_when(day, partial)}: {esc(fmt.value(amount, unit))}</title></rect>"
            )
            floor = top if stacked else floor
    parts.append("</svg>")
    return "".join(parts) + _legend(series, colours)


def _when(day: date, partial: Collection[date]) -> str:
    return f"{fmt.day(day)} (partial week)" if day in partial else fmt.day(day)


def hbar_chart(
    label: str, items: Sequence[tuple[str, Value]], unit: fmt.Unit, width: int = HALF
) -> str:
    """Ranked horizontal bars with the label on the left and the figure at the bar's end."""
    row, label_room, value_room = 28, 190, 110
    frame = Frame(
        width=width, height=len(items) * row + 8, left=label_room, right=value_room, top=4
    )
    peak = max((float(v) for _, v in items), default=0.0) or 1.0
    parts = [open_svg(frame, label)]
    for i, (name, amount) in enumerate(items):
        y = frame.top + i * row
        w = float(amount) / peak * frame.plot_width
        shown = esc(truncate(name, 28))
        parts.append(
            f'<text class="bar-label" x="{label_room - 8}" y="{y + 18}" text-anchor="end">'
            f'{shown}<title>{esc(name)}</title></text><rect x="{label_room}" y="{y + 4}" '
            f'width="{max(w, 1):.1f}" height="{row - 8}" rx="2" fill="{colour(0)}">'
            f"<title>{esc(name)}: {esc(fmt.value(amount, unit))}</title></rect>"
            f'<text class="bar-value" x="{label_room + w + 6:.1f}" y="{y + 18}">'
            f"{esc(fmt.value(amount, unit))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
