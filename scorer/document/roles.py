"""What each part of a report is, in the terms of the 督察规定 (four content parts).

A top-level part is classified from its heading: 主要举措和成效 -> achievements, 不足/问题 ->
shortcomings, 第一责任人 -> first_responsible, 下一年度/下一步/明年 -> next_year_plan. A heading
that names two roles ("存在问题及下步打算") gives the part a *sequence* of roles; walking the
part in reading order, the role moves on to the next one at the first sentence or sub-heading
that shows a cue for it ("下一步,我市将……", "(二)下步打算"). So in such a part the opening
sentences are shortcomings and everything from the first plan cue on is next_year_plan; the
part itself carries the first role.

Parts whose heading names no role (reports following the 纲要 layout, whose parts are named
after 纲要 areas) are placed by position: before the first shortcomings/plan part they are
achievements, after it they are classified from their content.

Sub-sections inherit their parent's role unless their own heading clearly names another role
(a "(一)" about 第一责任人 inside the achievements part, a "(三)存在的问题" inside a big part).
"""

from __future__ import annotations

import re

from scorer.model import Role

# Chinese labels for output (inspect, HTML).

# --- top-level part headings (loose: the heading of a whole part) ------------------------------

_FIRST_RESPONSIBLE_PART = re.compile(r"第一责任人|主要负责(?:人|同志)|党政(?:主要)?负责|一把手|主要领导(?:履行|履职)")
_SHORTCOMINGS_PART = re.compile(r"不足|问题|差距|短板|薄弱|困难|原因|弱项|瓶颈")
_PLAN_PART = re.compile(
    r"下一年度|下一年|下一步|下步|下阶段|明年|来年|今后|新的一年|展望|努力方向"
    r"|(?:工作|主要|总体|重点)(?:安排|思路|打算|计划|设想|要点)|(?:思路|打算|计划|安排|设想)$|重点(?:工作|任务)$"
)
_ACHIEVEMENTS_PART = re.compile(
    r"成效|举措|做法|回顾|成绩|进展|亮点|特色|经验|主要工作|工作情况|开展情况|完成情况|落实情况|推进情况"
    r"|基本情况|总体情况|建设情况|履职情况|取得"
)

# --- sub-section headings (strict: only a clear statement overrides the inherited role) ---------

_FIRST_RESPONSIBLE_SUB = re.compile(r"第一责任人|党政主要负责|主要负责(?:人|同志)(?:履行|履职|带头)|一把手")
# The problems phrase must end the heading ("(三)存在的问题", "推进法治政府建设中存在的主要问题")
# or start it ("存在问题及下步打算"); a measure *about* problems is not the problems part.
_SHORTCOMINGS_SUB = re.compile(
    r"(?:存在(?:的)?(?:主要|突出)?(?:问题|不足|差距|短板|困难)|(?:问题|不足)(?:和|及|与)(?:原因|差距|不足)|原因分析"
    r"|不足之处|薄弱环节|^(?:主要|突出)?(?:问题|不足|差距|短板))(?:和|及|与)?(?:原因|不足|差距)?(?:分析)?$"
    r"|^存在(?:的)?(?:主要|突出)?(?:问题|不足|差距|短板)"
)
_SOLVING = re.compile(r"^(?:着力|重点|切实|积极|坚决)?(?:解决|整改|破解|化解|针对|聚焦|坚持问题)")
_PLAN_SUB = re.compile(r"下一步|下步|下一年度|下一年|明年|来年|今后(?:的)?工作|工作(?:打算|计划|安排|思路|设想)|努力方向")

# --- cues that move a multi-role part on to its next role --------------------------------------

_SHORTCOMINGS_SENTENCE = re.compile(
    r"^(?:但|但是|然而|同时|不过|当然)?[^。]{0,30}?(?:存在|仍有|还有|尚有|仍然存在)(?:着)?(?:的)?"
    r"(?:一些|不少|以下|一定的?|诸多|许多)?(?:问题|不足|差距|短板|薄弱环节)"
    r"|^(?:存在的?|主要)(?:问题|不足)"
)
_PLAN_SENTENCE = re.compile(
    r"^(?:下一步|下步|下一年度?|下阶段|明年|来年|今后|新的一年|展望)"
    r"|^(?:我们|我(?:市|县|区|镇|乡|局|委|办|街道|州|省))(?:将|要|计划|打算)"
    r"|^(?:为此|针对(?:上述|以上|这些|存在的)(?:问题|不足))"
)
_YEAR_WILL = re.compile(r"^((?:19|20)\d{2})年(?:度)?[,，]?[^。]{0,12}?(?:将|要|计划|打算)")
_YEAR_IN_HEADING = re.compile(r"((?:19|20)\d{2})\s*年")

# Problem statements ("……有待提升") versus remedies ("进一步完善……") among sub-headings of a part
# that holds both shortcomings and plans.
_PROBLEM_WORDS = re.compile(
    r"有待|不够|不足|不强|不高|欠缺|滞后|薄弱|差距|问题|不到位|不完善|不规范|不健全|缺乏|仍需|还需|偏[少低弱]|较少|单一|短板"
)
_REMEDY_START = re.compile(
    r"^(?:进一步|继续|持续|着力|加快|强化|加强|深化|坚持|推进|推动|提升|提高|完善|健全|严格|全面|抓好|做好|建立|落实|规范|创新|深入|扎实|切实|不断|狠抓|大力)"
)


def _plan_year(title: str, year: int | None) -> bool:
    """A heading naming a year after the reported one ("2024年工作思路" in a 2023 report)."""
    if year is None:
        return False
    return any(int(found) > year for found in _YEAR_IN_HEADING.findall(title))


def _report_year_mentioned(title: str, year: int | None) -> bool:
    return year is not None and any(int(found) == year for found in _YEAR_IN_HEADING.findall(title))


def classify_part(title: str, year: int | None = None) -> tuple[Role, ...]:
    """Roles of a top-level part from its heading, in the order the heading names them.

    Empty when the heading names no role (e.g. a 纲要 area such as 依法全面履行政府职能).
    """
    if _FIRST_RESPONSIBLE_PART.search(title):
        return (Role.FIRST_RESPONSIBLE,)
    found: list[tuple[int, Role]] = []
    for pattern, role in (
        (_ACHIEVEMENTS_PART, Role.ACHIEVEMENTS),
        (_SHORTCOMINGS_PART, Role.SHORTCOMINGS),
        (_PLAN_PART, Role.NEXT_YEAR_PLAN),
    ):
        match = pattern.search(title)
        if match:
            found.append((match.start(), role))
    if _plan_year(title, year) and not any(role is Role.NEXT_YEAR_PLAN for _, role in found):
        # "2024年工作" in a 2023 report is about next year even without a plan word.
        if not any(role is Role.ACHIEVEMENTS for _, role in found):
            found.append((len(title), Role.NEXT_YEAR_PLAN))
    roles = [role for _, role in sorted(found, key=lambda item: item[0])]
    if Role.ACHIEVEMENTS in roles and Role.NEXT_YEAR_PLAN in roles and Role.SHORTCOMINGS not in roles:
        # "2023年工作情况和2024年工作安排" is two parts in one; "2024年工作安排" that merely
        # mentions the reported year ("完成情况") stays a plan when the year says so.
        if _plan_year(title, year) and not _report_year_mentioned(title, year):
            return (Role.NEXT_YEAR_PLAN,)
    return tuple(dict.fromkeys(roles))


_ACHIEVEMENTS_NAME = re.compile(r"(?:成效|成绩|做法|举措|工作情况|开展情况|基本情况|总体情况|完成情况|工作回顾)$")


def names_report_part(line: str) -> bool:
    """True when an unnumbered line reads as the name of a report part ("存在的问题", "主要工作成效").

    Stricter than ``classify_part``: such a line has no number to show it is a heading, so it
    must end like a part name or clearly name one of the 督察规定 parts.
    """
    title = line.rstrip(":：")
    return subsection_role(title) is not None or bool(_ACHIEVEMENTS_NAME.search(title))


def subsection_role(title: str) -> Role | None:
    """The role a sub-section heading clearly names, or None to inherit the parent's role."""
    if _FIRST_RESPONSIBLE_SUB.search(title):
        return Role.FIRST_RESPONSIBLE
    if _SHORTCOMINGS_SUB.search(title) and not _SOLVING.search(title):
        return Role.SHORTCOMINGS
    if _PLAN_SUB.search(title):
        return Role.NEXT_YEAR_PLAN
    return None


def sentence_starts_role(role: Role, sentence: str, year: int | None = None) -> bool:
    """True when a body sentence opens a passage of ``role`` ("下一步,我市将……")."""
    if role is Role.SHORTCOMINGS:
        return bool(_SHORTCOMINGS_SENTENCE.search(sentence))
    if role is Role.NEXT_YEAR_PLAN:
        if _PLAN_SENTENCE.search(sentence):
            return True
        match = _YEAR_WILL.search(sentence)
        return bool(match) and (year is None or int(match.group(1)) > year)
    return False


def heading_starts_role(role: Role, title: str, *, combined: bool) -> bool:
    """True when a sub-heading opens a passage of ``role`` within a multi-role part.

    In a part whose heading names both shortcomings and plans, a sub-heading phrased as a
    remedy ("进一步完善……") rather than a problem ("……有待提升") starts the plan.
    """
    if subsection_role(title) is role:
        return True
    if combined and role is Role.NEXT_YEAR_PLAN:
        return bool(_REMEDY_START.search(title)) and not _PROBLEM_WORDS.search(title)
    return False


def fill_unnamed_parts(named: list[tuple[Role, ...]], contents: list[list[str]], year: int | None = None) -> list[tuple[Role, ...]]:
    """Give every part a role sequence; parts whose heading names none are placed by position.

    Before the first shortcomings/plan part: achievements (纲要-layout reports). After it: the
    content decides (plan cues -> next_year_plan, problem cues -> shortcomings) or other.
    """
    result: list[tuple[Role, ...]] = []
    seen_non_achievement = False
    for roles, sentences in zip(named, contents):
        if roles:
            result.append(roles)
            if any(role in (Role.SHORTCOMINGS, Role.NEXT_YEAR_PLAN) for role in roles):
                seen_non_achievement = True
            continue
        if not seen_non_achievement:
            result.append((Role.ACHIEVEMENTS,))
            continue
        result.append((_role_from_content(sentences, year),))
    return result


def _role_from_content(sentences: list[str], year: int | None) -> Role:
    if not sentences:
        return Role.OTHER
    plan = sum(1 for s in sentences if sentence_starts_role(Role.NEXT_YEAR_PLAN, s, year) or _REMEDY_START.search(s))
    problems = sum(1 for s in sentences if _PROBLEM_WORDS.search(s))
    if plan * 2 > len(sentences):
        return Role.NEXT_YEAR_PLAN
    if problems * 2 > len(sentences):
        return Role.SHORTCOMINGS
    return Role.OTHER
