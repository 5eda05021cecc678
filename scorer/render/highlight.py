"""Split an evidence sentence into plain and highlighted segments.

The template escapes every segment itself; nothing here produces markup, so report text is
never marked safe.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

TERM = "term"  # a matched signal phrase
SUBSTANCE = "substance"  # a concrete marker: a figure with a unit, 《文件》, a date


class Segment(NamedTuple):
    text: str
    mark: str | None = None  # None, TERM or SUBSTANCE

    @property
    def is_match(self) -> bool:
        return self.mark is not None


def _spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Every occurrence of every needle (case-insensitive), merged into sorted disjoint spans."""
    found: list[tuple[int, int]] = []
    for needle in sorted({n for n in needles if n and n.strip()}):
        for match in re.finditer(re.escape(needle), text, flags=re.IGNORECASE):
            found.append((match.start(), match.end()))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:  # overlapping or adjacent terms read as one mark
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def segments(text: str, terms: Iterable[str] = (), substance: Iterable[str] = ()) -> tuple[Segment, ...]:
    """``text`` cut into segments; matched terms win over substance markers where they overlap."""
    marks: list[str | None] = [None] * len(text)
    for start, end in _spans(text, substance):
        marks[start:end] = [SUBSTANCE] * (end - start)
    for start, end in _spans(text, terms):
        marks[start:end] = [TERM] * (end - start)
    result: list[Segment] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or marks[index] != marks[start]:
            result.append(Segment(text[start:index], marks[start]))
            start = index
    return tuple(result)
