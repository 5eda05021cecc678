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
# Arabic figures with a unit; Chinese-numeral figures only with event units (三次, 两场): "三项制度",
# "一是", "十分" are names and words, not counts.
FIGURE = re.compile(rf"\d+(?:\.\d+)?\s*{_UNIT}|[两三四五六七八九十百千]+(?:次|场|期|批|轮)(?!制度)")
PERCENT = re.compile(r"\d+(?:\.\d+)?\s*%")
# Ranks and ratios: "第二批省级法治政府建设示范县", "案件比1.4:1".
RANK_OR_RATIO = re.compile(r"第[一二三四五六七八九十\d]+(?:批|名|届)|\d+(?:\.\d+)?:\d+(?:\.\d+)?")
DOCUMENT = re.compile(r"《([^《》]{2,80})》")
DATE = re.compile(r"(?:(?:19|20)\d{2}年)?\d{1,2}月(?:\d{1,2}日)?|(?:19|20)\d{2}年\d{1,2}月")
# Documents that are being quoted or followed, not produced: they prove nothing about the year's work.
QUOTED_DOCUMENT = re.compile(r"纲要|习近平|党的.{0,4}大|中华人民共和国宪法|^宪法$")
# A verb right before 《…》 that says the document was followed, not made ("全面贯彻落实《……方案》").
FOLLOWED_BY = re.compile(r"(?:贯彻|落实|执行|根据|按照|依据|依照|对照|遵循|学习|对标)[^,，。;；]{0,4}$")
# A completed, concrete act: a body set up, a system built, a meeting held ("完成组建……执法队伍",
# "整体搬迁入驻", "召开……会议"). Generic verbs (加强/完善/推进/开展) are not here on purpose.
CONCRETE_ACT = re.compile(
    r"(?:组建|成立|设立|挂牌|建成|搬迁|入驻|聘请|聘任|选聘|签订|开通|上线)(?:了)?[^,，。;；]{2,}|作为第一议题"
)
# A calendar year as a date ("2017年6月底"); "2023年度" names a reporting period that this year's
# work may well be about (报送2023年度报告), so it does not date the sentence.
YEAR_MENTION = re.compile(r"((?:19|20)\d{2})\s*年(?!度)")


# A sentence that declares an ongoing practice ("坚持将……纳入……", "始终……", "常态化开展……") states a
# standing rule of the body, not an act of the year, however concrete its wording sounds.
STANDING_PRACTICE = re.compile(r"^(?:[一二三四五六七八九十]是|\d{1,2}[.、])?\s*(?:坚持|始终|一直|长期|常态化|一贯)")


def dated_before(text: str, year: int | None) -> bool:
    """Whether the sentence is dated only to years before the report's ("2017年6月底,我县完成了……")."""
    if year is None:
        return False
    # Years inside a document's name (《2023年政府信息公开工作年度报告》) do not date the sentence.
    years = [int(y) for y in YEAR_MENTION.findall(DOCUMENT.sub("", text))]
    return bool(years) and max(years) < year


def substance_markers(text: str, year: int | None = None) -> tuple[str, ...]:
    """The concrete markers in ``text``, in order of appearance, de-duplicated.

    With the report's ``year``, a sentence dated only to earlier years tells the history, not the
    year's work, and has no substance.
    """
    if dated_before(text, year):
        return ()
    found: list[tuple[int, str]] = []
    for pattern in (FIGURE, RANK_OR_RATIO):
        for match in pattern.finditer(text):
            found.append((match.start(), match.group().replace(" ", "")))
    for match in DOCUMENT.finditer(text):
        if not QUOTED_DOCUMENT.search(match.group(1)) and not FOLLOWED_BY.search(text[: match.start()]):
            found.append((match.start(), match.group()))
    for match in CONCRETE_ACT.finditer(text):
        found.append((match.start(), match.group()[:12]))
    for match in DATE.finditer(text):
        found.append((match.start(), match.group()))
    seen: set[str] = set()
    ordered: list[str] = []
    for _, marker in sorted(found):
        if marker not in seen:
            seen.add(marker)
            ordered.append(marker)
    return tuple(ordered)
