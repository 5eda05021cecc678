"""Checks of the `report-structure` pack: the 督察规定's required parts and formal practice.

Each check reads the Document (roles of parts, metadata) and returns a status, a reason and the
sentences that show it. Checks are registered by name; a rule item names its check with ``check:``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping

from scorer.document import roles
from scorer.judge.evidence import evidence_from_sentence, make_item_result
from scorer.judge.substance import DOCUMENT, substance_markers
from scorer.model import (
    Document,
    ItemResult,
    Paragraph,
    Role,
    Section,
    Sentence,
    Status,
)

if TYPE_CHECKING:  # pragma: no cover
    from scorer.rules import Item, Pack

# Words that analyse why a problem exists (not merely list it: 主要是 lists problems in these reports).
CAUSE_CUE = re.compile(r"原因|由于|根源|源于|缘于|归根|客观上|主观上|之所以|受制于|究其")
# A passing mention of the principal leaders' own role: the duty named, 述法, or a leader heading the work.
FIRST_RESPONSIBLE_CUE = re.compile(
    r"第一责任人|主要负责(人|同志).{0,12}(职责|履职|法治|亲自)|述法"
    r"|[省市县区镇乡旗]长.{0,4}(任|为|担任)(组长|主任)|(书记|[省市县区镇乡旗]长).{0,6}亲自"
)
# The principal leaders' own part in the work: who (主要负责人, 书记, 县长…) and how (亲自, 带头, 述法…).
LEADER_CUE = re.compile(
    r"第一责任人|(?:党政|主要)负责(?:人|同志)|主要领导|一把手|四个亲自|述法"
    r"|(?:书记|[省市县区镇乡旗州]长|局长|厅长|主任)(?:带头|亲自|主持|专题|多次|先后|认真|切实|坚持)"
    r"|亲自(?:部署|过问|协调|督办|推动|研究|抓)"
)
# What the leaders did, concretely, when no figure says it.
LEADER_ACT = re.compile(r"主持召开|专题研究|听取|带头|述法|批示|督办|部署|旁听|讲授|授课|出庭")
# An enumerated point of its own led by the duty: "一是压紧压实第一责任人责任。", "2.履行第一责任人职责".
DEDICATED_POINT = re.compile(
    r"^(?:[一二三四五六七八九十]是|\d{1,2}[.、]|[(（]\d{1,2}[)）])[^。,，;；]{0,20}"
    r"(?:第一责任人|(?:党政)?主要负责(?:人|同志)(?:履职|职责|责任))"
)
# Figures with units (not years, not section numbers): what "数据支撑" means in the checklist.
FIGURE_WITH_UNIT = re.compile(
    r"\d+(?:\.\d+)?\s*(?:余|多)?(?:万|亿)?(?:人次|件次|个百分点|件|项|次|人|个|家|场|份|条|宗|起|户|名|期|篇|元"
    r"|%|所|支|套|卷|批|轮|学时|课时|小时)"
)
# A weakness stated in passing ("但个别单位案卷制作仍不够规范"); not 尚未/未完成 (a task still open).
PROBLEM_CUE = re.compile(r"不够|有待(?:提升|加强|提高|完善)|仍需|短板|薄弱|差距|不规范|不到位|存在.{0,6}(?:问题|不足)")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
TITLE_SUBJECT = re.compile(r"法治政府建设")
TITLE_REPORT = re.compile(r"报告")


@dataclass(frozen=True)
class CheckOutcome:
    status: Status
    reason: str
    sentences: tuple[Sentence, ...] = ()


CheckFunction = Callable[[Document, Mapping[str, object]], CheckOutcome]
CHECKS: dict[str, CheckFunction] = {}


def register(name: str) -> Callable[[CheckFunction], CheckFunction]:
    def decorator(function: CheckFunction) -> CheckFunction:
        CHECKS[name] = function
        return function

    return decorator


def _body_sentences(section: Section) -> list[Sentence]:
    """Sentences under the section's own heading: body text and sub-headings (a plan is often a list of them)."""
    return [
        s
        for node in section.walk()
        for p in node.paragraphs
        for s in p.sentences
        if not (s.is_heading and node is section)
    ]


def _sentences_with_role(document: Document, role: Role) -> list[Sentence]:
    return [s for s in document.sentences() if s.role is role and not s.is_heading]


def _heading_sentence(document: Document, section: Section) -> Sentence:
    for sentence in document.sentences():
        if sentence.is_heading and section.start <= sentence.start < section.end:
            return sentence
    text = document.text[section.start : section.end].split("\n", 1)[0]
    return Sentence(section.start, section.start + len(text), text, (section.heading,), section.role, True)


@register("part_present")
def part_present(document: Document, params: Mapping[str, object]) -> CheckOutcome:
    """A part with the given role; a few loose sentences of that kind elsewhere: partial."""
    role = Role(str(params.get("role", "achievements")))
    min_chars = int(params.get("min_chars", 30))  # type: ignore[arg-type]
    year = document.meta.year
    sections = [s for s in document.walk_sections() if s.role is role]
    # The outermost sections with the role; a part split into sub-sections counts once.
    outer = [s for s in sections if not any(o is not s and o.start <= s.start and s.end <= o.end for o in sections)]
    for section in outer:
        if sum(len(s.text) for s in _body_sentences(section)) >= min_chars:
            return CheckOutcome(Status.COVERED, f"有专门部分：{section.heading}", (_heading_sentence(document, section),))
    # A part whose heading names this role together with another ("存在问题及下步打算").
    for section in document.sections:
        tagged = [s for s in _body_sentences(section) if s.role is role]
        if tagged and role in roles.classify_part(section.title, year):
            return CheckOutcome(Status.COVERED, f"在“{section.heading}”中专门写了这部分内容", tuple(tagged[:2]))
    loose = _sentences_with_role(document, role) or _loose_sentences(document, role)
    if loose or outer:
        shown = tuple(loose[:2]) or tuple(_heading_sentence(document, s) for s in outer[:1])
        return CheckOutcome(Status.PARTIAL, "仅有零星内容，未成部分", shown)
    return CheckOutcome(Status.MISSING, "报告中没有这一部分")


def _loose_sentences(document: Document, role: Role) -> list[Sentence]:
    """Sentences of a kind standing inside other parts: results without a results part, a plan
    sentence ("2024年,我县将……") inside the achievements."""
    year = document.meta.year
    found = []
    for sentence in document.sentences():
        # Sub-headings often carry the content ("(一)针对……不规范的问题,开展……"); part headings and the title do not.
        if (sentence.is_heading and len(sentence.section_path) <= 1) or sentence.role is Role.CLOSING:
            continue
        if sentence.text == document.meta.title:
            continue
        if role is Role.ACHIEVEMENTS and sentence.role.counts_as_action and FIGURE_WITH_UNIT.search(sentence.text):
            found.append(sentence)
        elif role is Role.NEXT_YEAR_PLAN and roles.sentence_starts_role(role, sentence.text, year):
            found.append(sentence)
        elif role is Role.SHORTCOMINGS and PROBLEM_CUE.search(sentence.text):
            found.append(sentence)
    return found


@register("shortcomings_with_causes")
def shortcomings_with_causes(document: Document, params: Mapping[str, object]) -> CheckOutcome:
    sentences = _sentences_with_role(document, Role.SHORTCOMINGS)
    if not sentences:
        passing = _loose_sentences(document, Role.SHORTCOMINGS)
        if passing:
            return CheckOutcome(Status.PARTIAL, "仅在其他部分顺带提到问题，没有不足和原因部分", tuple(passing[:2]))
        return CheckOutcome(Status.MISSING, "报告中没有存在的不足和原因部分")
    causes = [s for s in sentences if CAUSE_CUE.search(s.text)]
    if causes:
        return CheckOutcome(Status.COVERED, "列出了不足并分析了原因", (sentences[0], causes[0]))
    return CheckOutcome(Status.PARTIAL, "列出了问题，但未分析原因", tuple(sentences[:2]))


def _action_paragraphs(document: Document) -> list[Paragraph]:
    """Body paragraphs of the parts that report the year's work (preamble, 成效, 第一责任人, other)."""
    found = [p for p in document.preamble if any(not s.is_heading for s in p.sentences)]
    for section in document.walk_sections():
        found.extend(p for p in section.paragraphs if any(s.role.counts_as_action for s in p.sentences))
    return found


def _substantial_passage(document: Document) -> tuple[Sentence, ...]:
    """Sentences showing the principal leaders' own work: a point of its own, or a passage of two or more.

    A point of its own is an enumerated point led by the duty ("一是压紧压实第一责任人责任。……");
    a passage is two or more sentences of one paragraph about the leaders' own acts, one of them concrete.
    """
    year = document.meta.year
    for paragraph in _action_paragraphs(document):
        body = [s for s in paragraph.sentences if s.role.counts_as_action and not s.is_heading]
        for sentence in body:
            if DEDICATED_POINT.match(sentence.text):
                return (sentence,)
        about_leaders = [s for s in body if LEADER_CUE.search(s.text)]
        if len(about_leaders) >= 2 and any(
            substance_markers(s.text, year) or LEADER_ACT.search(s.text) for s in about_leaders
        ):
            return tuple(about_leaders[:2])
    return ()


@register("first_responsible_part")
def first_responsible_part(document: Document, params: Mapping[str, object]) -> CheckOutcome:
    sections = [s for s in document.walk_sections() if s.role is Role.FIRST_RESPONSIBLE]
    if sections:
        return CheckOutcome(
            Status.COVERED, f"有专门部分：{sections[0].heading}", (_heading_sentence(document, sections[0]),)
        )
    passage = _substantial_passage(document)
    if passage:
        return CheckOutcome(Status.COVERED, "有专门的要点或成段文字写主要负责人履职的具体事项", passage)
    mentions = [s for s in document.sentences() if FIRST_RESPONSIBLE_CUE.search(s.text) and s.role is not Role.CLOSING]
    if mentions:
        return CheckOutcome(Status.PARTIAL, "仅顺带提及第一责任人职责，没有专门部分", tuple(mentions[:2]))
    return CheckOutcome(Status.MISSING, "未写党政主要负责人履行第一责任人职责情况")


def _title_sentence(document: Document) -> tuple[Sentence, ...]:
    title = document.meta.title
    if not title:
        return ()
    position = document.text.find(title)
    if position < 0:
        return ()
    return (Sentence(position, position + len(title), title, (), Role.PREAMBLE, True),)


@register("title_form")
def title_form(document: Document, params: Mapping[str, object]) -> CheckOutcome:
    title = document.meta.title
    if not title:
        return CheckOutcome(Status.MISSING, "报告没有标题")
    lacking = []
    if not YEAR.search(title):
        lacking.append("年度")
    # The body's name: drop the subject (法治政府建设) first, its 政府 does not name anyone.
    named = title.replace("法治政府", "").replace("依法行政", "")
    if not (document.meta.jurisdiction and document.meta.jurisdiction[:2] in title) and not re.search(
        r"(省|市|县|区|旗|乡|镇|街道|局|委员会|办公室|厅|政府)", named
    ):
        lacking.append("机关名称")
    if not TITLE_SUBJECT.search(title):
        lacking.append("“法治政府建设”字样")
    if not TITLE_REPORT.search(title):
        lacking.append("“报告”字样")
    if lacking:
        return CheckOutcome(Status.PARTIAL, "标题缺少" + "、".join(lacking), _title_sentence(document))
    return CheckOutcome(Status.COVERED, "标题写明机关、年度和法治政府建设报告", _title_sentence(document))


def _plan_years(document: Document) -> list[int]:
    years: list[int] = []
    for section in document.walk_sections():
        if section.role is Role.NEXT_YEAR_PLAN:
            years.extend(int(y) for y in YEAR.findall(section.heading))
    return years


def _opening_year(document: Document) -> int | None:
    """The year the opening sentence starts with ("2023年,我县……"), if it starts with one."""
    for sentence in document.sentences():
        if sentence.role is Role.PREAMBLE and not sentence.is_heading and sentence.text != document.meta.title:
            match = re.match(r"\s*((?:19|20)\d{2})\s*年", sentence.text)
            if match:
                return int(match.group(1))
    return None


@register("year_consistency")
def year_consistency(document: Document, params: Mapping[str, object]) -> CheckOutcome:
    year = document.meta.year
    if year is None:
        return CheckOutcome(Status.MISSING, "报告中找不到所报告的年度")
    conflicts = []
    title_years = [int(y) for y in YEAR.findall(document.meta.title or "")]
    if title_years and year not in title_years:
        conflicts.append(f"标题年度 {title_years[0]} 与正文年度 {year} 不一致")
    opening = _opening_year(document)
    if opening is not None and opening != year:
        conflicts.append(f"开头写的是 {opening} 年，与报告年度 {year} 不一致")
    for plan_year in _plan_years(document):
        if plan_year != year + 1:
            conflicts.append(f"下一年度安排写的是 {plan_year} 年，应为 {year + 1} 年")
            break
    evidence = _title_sentence(document)
    if conflicts:
        return CheckOutcome(Status.PARTIAL, "；".join(conflicts), evidence)
    if not title_years and not _plan_years(document):
        # With neither a title year nor a plan year there is nothing to check the body's year against.
        return CheckOutcome(Status.PARTIAL, f"只有正文写明 {year} 年，没有标题或下一年度安排的年度可以核对", evidence)
    return CheckOutcome(Status.COVERED, f"标题、正文与下一年度安排的年度一致（{year} 年）", evidence)


def _closing_sentences(document: Document, needle: str | None) -> tuple[Sentence, ...]:
    if not needle:
        return ()
    return tuple(s for s in document.sentences() if needle in s.text and s.role is Role.CLOSING)[:1]


@register("date_signature")
def date_signature(document: Document, params: Mapping[str, object]) -> CheckOutcome:
    meta = document.meta
    if not meta.date:
        return CheckOutcome(Status.MISSING, "没有成文日期")
    evidence = _closing_sentences(document, meta.signer) + _closing_sentences(document, _date_text(document, meta.date))
    problems = []
    if not meta.signer:
        problems.append("没有落款单位")
    if meta.year is not None:
        written = dt.date.fromisoformat(meta.date)
        earliest, latest = dt.date(meta.year, 12, 1), dt.date(meta.year + 1, 4, 1)
        if not earliest <= written <= latest:
            problems.append(f"成文日期 {meta.date} 不在 {earliest} 至 {latest} 之间（督察规定：3月1日前报送，4月1日前公开）")
    if problems:
        return CheckOutcome(Status.PARTIAL, "；".join(problems), evidence)
    return CheckOutcome(Status.COVERED, f"落款 {meta.signer}，成文日期 {meta.date}", evidence)


def _date_text(document: Document, iso: str) -> str | None:
    year, month, day = (int(x) for x in iso.split("-"))
    for candidate in (f"{year}年{month}月{day}日", f"{year}年{month:02d}月{day:02d}日"):
        if candidate in document.text:
            return candidate
    return None


# A document the government itself produced this year ("制定《……办法》"), not one it followed.
PRODUCED_DOCUMENT = re.compile(r"(?:制定|出台|印发|修订|编制|发布|起草)[^。《]{0,6}《[^《》]{2,80}》")


@register("quantitative_evidence")
def quantitative_evidence(document: Document, params: Mapping[str, object]) -> CheckOutcome:
    """Share of the achievements text, by length, that stands in sub-parts backed by figures.

    Sub-parts are the smallest units the report numbers (leaves of the achievements parts); weighting
    them by length keeps the judgement stable whether a report numbers 6 or 24 sub-parts. Covered
    needs figures; for partial, documents the government produced (制定《…》) count as backing too.
    """
    covered_share = float(params.get("covered_share", 0.6))  # type: ignore[arg-type]
    partial_share = float(params.get("partial_share", 0.25))  # type: ignore[arg-type]
    parts = [s for s in document.sections if s.role is Role.ACHIEVEMENTS]
    if not parts:
        # No part named 成效 (the report goes by task areas, or opens with the leaders' duty): judge
        # the parts that report the year's work instead.
        parts = [s for s in document.sections if s.role in (Role.FIRST_RESPONSIBLE, Role.OTHER)]
    leaves = [node for part in parts for node in part.walk() if not node.children]
    if not leaves:
        return CheckOutcome(Status.MISSING, "没有主要举措和成效部分，无法判断数据支撑")
    total = sum(leaf.end - leaf.start for leaf in leaves) or 1
    with_figures = with_backing = 0
    count = 0
    shown: list[Sentence] = []
    for leaf in leaves:
        body = _body_sentences(leaf)
        figure = next((s for s in body if FIGURE_WITH_UNIT.search(s.text)), None)
        produced = next((s for s in body if PRODUCED_DOCUMENT.search(s.text)), None)
        if figure is not None:
            with_figures += leaf.end - leaf.start
            count += 1
        if figure is not None or produced is not None:
            with_backing += leaf.end - leaf.start
            shown.append(figure or produced)  # type: ignore[arg-type]
    share, backed_share = with_figures / total, with_backing / total
    reason = f"{count}/{len(leaves)} 个小部分有数据支撑，按篇幅占成效部分的 {share:.0%}（连同制定的文件占 {backed_share:.0%}）"
    if share >= covered_share:
        return CheckOutcome(Status.COVERED, reason, tuple(shown[:2]))
    if backed_share >= partial_share:
        return CheckOutcome(Status.PARTIAL, reason, tuple(shown[:2]))
    # Some backing anywhere (a figure, a named document or law) is more than none at all.
    named = next((s for leaf in leaves for s in _body_sentences(leaf) if DOCUMENT.search(s.text)), None)
    if shown or named is not None:
        return CheckOutcome(Status.PARTIAL, reason + "；只有零星的数据或文件", tuple(shown[:2]) or (named,))  # type: ignore[arg-type]
    return CheckOutcome(Status.MISSING, reason, tuple(shown[:2]))


def check_item(pack: "Pack", item: "Item", document: Document) -> ItemResult:
    """Run the item's named check and turn it into an ItemResult."""

    outcome = CHECKS[item.check](document, item.params or {})
    evidence = [evidence_from_sentence(s) for s in outcome.sentences]
    return make_item_result(pack, item, outcome.status, outcome.reason, evidence)
