"""Concrete-evidence markers: what separates "did something" from "will/should do something".

A sentence has substance when it states figures with units (件/项/次/人/%/元…), names a document
《…》 that is not merely the 纲要 being quoted, or gives a date. These markers lift an item from
``partial`` to ``covered`` and are shown next to the evidence.
"""

from __future__ import annotations

import re

_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
_UNIT = (
    r"(?:余|多)?(?:万|亿)?(?:人次|件次|家次|户次|个百分点|平方米|公里|小时|学时|课时|余件|余人|余次"
    r"|件|项|次|人|个|家|场|份|条|宗|起|户|名|期|篇|册|批|轮|元|万元|亿元|%|天|日|所|支|套|卷|部|类|处|本|张|批次|台)"
)
# Arabic figures with a unit; Chinese-numeral figures only with counting units (avoid 一是/十分).
FIGURE = re.compile(rf"\d+(?:\.\d+)?\s*{_UNIT}|[两三四五六七八九十百千]+(?:个|次|场|期|批|轮|项|件|名|家)")
PERCENT = re.compile(r"\d+(?:\.\d+)?\s*%")
DOCUMENT = re.compile(r"《([^《》]{2,80})》")
DATE = re.compile(r"(?:(?:19|20)\d{2}年)?\d{1,2}月(?:\d{1,2}日)?|(?:19|20)\d{2}年\d{1,2}月")
# Documents that are being quoted or followed, not produced: they prove nothing about the year's work.
QUOTED_DOCUMENT = re.compile(r"纲要|习近平|党的.{0,4}大|中华人民共和国宪法|^宪法$")


def substance_markers(text: str) -> tuple[str, ...]:
    """The concrete markers in ``text``, in order of appearance, de-duplicated."""
    found: list[tuple[int, str]] = []
    for match in FIGURE.finditer(text):
        found.append((match.start(), match.group().replace(" ", "")))
    for match in DOCUMENT.finditer(text):
        if not QUOTED_DOCUMENT.search(match.group(1)):
            found.append((match.start(), match.group()))
    for match in DATE.finditer(text):
        found.append((match.start(), match.group()))
    seen: set[str] = set()
    ordered: list[str] = []
    for _, marker in sorted(found):
        if marker not in seen:
            seen.add(marker)
            ordered.append(marker)
    return tuple(ordered)
