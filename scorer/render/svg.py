"""Geometry for the inline SVG bar charts; the template draws them (and escapes every label)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

CHART_WIDTH = 720  # viewBox units; the SVG scales to the page width
LABEL_HEIGHT = 20  # the group label sits on its own line above its bar
BAR_HEIGHT = 14
ROW_GAP = 12
VALUE_WIDTH = 150  # room right of the longest bar for "75%（4.5/6 分）"
TOP = 8
BOTTOM = 22  # room for the axis tick labels


@dataclass(frozen=True)
class BarInput:
    label: str
    score: float
    weight: float  # applicable weight; 0 -> nothing applicable, drawn as an empty row


@dataclass(frozen=True)
class Bar:
    label: str
    score: float
    weight: float
    percent: float | None  # None when nothing in the group applies
    band: str  # good | fair | poor | na: a colour class; the value text always says the same
    label_y: float
    bar_y: float
    bar_width: float
    value_x: float


@dataclass(frozen=True)
class Tick:
    percent: int
    x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    track_width: float
    bar_height: int
    axis_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]


def band(percent: float | None) -> str:
    """Colour class of a percentage (the text label carries the value, colour only repeats it)."""
    if percent is None:
        return "na"
    if percent >= 85:
        return "good"
    if percent >= 60:
        return "fair"
    return "poor"


def bar_chart(rows: Sequence[BarInput]) -> BarChart:
    """Lay out one horizontal bar per row, 0–100 % of the track."""
    track = float(CHART_WIDTH - VALUE_WIDTH)
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    bars = []
    for index, row in enumerate(rows):
        top = TOP + index * row_height
        percent = None if row.weight <= 0 else max(0.0, min(100.0, 100.0 * row.score / row.weight))
        width = 0.0 if percent is None else round(track * percent / 100.0, 1)
        bars.append(
            Bar(
                label=row.label,
                score=row.score,
                weight=row.weight,
                percent=percent,
                band=band(percent),
                label_y=top + LABEL_HEIGHT - 6,
                bar_y=top + LABEL_HEIGHT,
                bar_width=width,
                value_x=round(width + 8, 1),
            )
        )
    axis_y = TOP + len(rows) * row_height
    ticks = tuple(Tick(p, round(track * p / 100.0, 1)) for p in (0, 25, 50, 75, 100))
    return BarChart(
        width=CHART_WIDTH,
        height=int(axis_y + BOTTOM),
        track_width=track,
        bar_height=BAR_HEIGHT,
        axis_y=axis_y,
        bars=tuple(bars),
        ticks=ticks,
    )
