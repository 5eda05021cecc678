"""Realistic Scorecards built by hand, for render tests (no pipeline needed).

``make_scorecard()`` is a county report on 2023 with all four 督察规定 parts, a mix of statuses, items
with parts and one not-applicable item; ``make_weak_scorecard()`` is a township report missing its
不足 and 下一年度 parts, with a warning and waivers; ``make_hostile_scorecard()`` puts markup,
template syntax and entities into every field that reaches a page. Offsets are real:
``document.text[e.start:e.end] == e.text`` for every piece of evidence.

Import as ``from render.scorecard_factory import make_scorecard``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Sequence

from scorer.model import (
    Document,
    Evidence,
    GroupSubtotal,
    ItemResult,
    Level,
    Metadata,
    PackInfo,
    Paragraph,
    PartResult,
    Role,
    Scorecard,
    Section,
    Sentence,
    SourceInfo,
    Status,
    Waiver,
)

HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror=alert(1)> <a href="javascript:alert(1)">点此</a> '
    "{{ 7*7 }} {% if %} &amp; &lt; </style></title>"
)

# A file name cannot hold "/", so the hostile one has no closing tags.
HOSTILE_FILE_NAME = '"<img src=x onerror=alert(1)> {{ 7*7 }} &amp;".txt'

PACKS = {
    "gangyao-2021": (
        "法治政府建设实施纲要（2021－2025年）",
        "2021.1",
        {
            "一": "深入学习贯彻习近平法治思想，努力实现法治政府建设全面突破",
            "二": "健全政府机构职能体系，推动更好发挥政府作用",
            "三": "健全依法行政制度体系，加快推进政府治理规范化程序化法治化",
            "四": "健全行政决策制度体系，不断提升行政决策公信力和执行力",
            "五": "健全行政执法工作体系，全面推进严格规范公正文明执法",
            "七": "健全社会矛盾纠纷行政预防调处化解体系，不断促进社会公平正义",
            "八": "健全行政权力制约和监督体系，促进行政权力规范透明运行",
            "九": "健全法治政府建设科技保障体系，全面建设数字法治政府",
            "十": "加强党的领导，完善法治政府建设推进机制",
        },
    ),
    "report-structure": (
        "法治政府建设年度报告结构（督察规定）",
        "2019.1",
        {"结构": "年度报告的必备部分与形式规范"},
    ),
}


@dataclass(frozen=True)
class PartSpec:
    id: str
    title: str
    status: Status
    quotes: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    pack: str
    id: str
    title: str
    section: str
    group: str
    weight: float
    status: Status
    key: bool = False
    quotes: tuple[str, ...] = ()  # snippets of the document text used as evidence
    terms: tuple[str, ...] = ()
    substance: tuple[str, ...] = ()
    parts: tuple[PartSpec, ...] = ()
    reason: str = ""
    advice: str = ""
    basis: str = ""


@dataclass(frozen=True)
class SectionSpec:
    marker: str
    title: str
    role: Role
    paragraphs: tuple[str, ...] = ()
    children: tuple["SectionSpec", ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# Documents with consistent offsets
# ---------------------------------------------------------------------------------------------


class _Writer:
    """Appends lines to the document text and hands out the spans."""

    def __init__(self) -> None:
        self.text = ""

    def line(self, content: str) -> tuple[int, int]:
        if self.text:
            self.text += "\n"
        start = len(self.text)
        self.text += content
        return start, len(self.text)


def _sentences(text: str, start: int, path: tuple[str, ...], role: Role) -> tuple[Sentence, ...]:
    found: list[Sentence] = []
    begin = 0
    for index, char in enumerate(text):
        if char in "。；！？" or index == len(text) - 1:
            piece = text[begin : index + 1]
            if piece.strip():
                found.append(Sentence(start + begin, start + index + 1, piece, path, role))
            begin = index + 1
    return tuple(found)


def _paragraph(writer: _Writer, text: str, path: tuple[str, ...], role: Role) -> Paragraph:
    start, end = writer.line(text)
    return Paragraph(start, end, text, _sentences(text, start, path, role))


def _section(writer: _Writer, spec: SectionSpec, ident: str, depth: int, path: tuple[str, ...], role: Role) -> Section:
    heading = f"{spec.marker}{spec.title}"
    start, _ = writer.line(heading)
    here = path + (heading,)
    paragraphs = tuple(_paragraph(writer, p, here, role) for p in spec.paragraphs)
    children = tuple(
        _section(writer, child, f"{ident}.{index}", depth + 1, here, role)
        for index, child in enumerate(spec.children, start=1)
    )
    return Section(
        id=ident,
        depth=depth,
        marker=spec.marker,
        title=spec.title,
        start=start,
        end=len(writer.text),
        role=role,
        paragraphs=paragraphs,
        children=children,
    )


def make_document(
    *,
    title: str | None,
    meta: Metadata,
    preamble: Sequence[str],
    parts: Sequence[SectionSpec],
    closing: Sequence[str],
    path: str = "report.txt",
    warnings: Sequence[str] = (),
) -> Document:
    """A Document whose sections, paragraphs and sentences index into its text."""
    writer = _Writer()
    if title:
        writer.line(title)
    preamble_paragraphs = tuple(_paragraph(writer, p, (), Role.PREAMBLE) for p in preamble)
    sections = tuple(
        _section(writer, spec, str(index), 1, (), spec.role) for index, spec in enumerate(parts, start=1)
    )
    closing_paragraphs = tuple(_paragraph(writer, p, (), Role.CLOSING) for p in closing)
    text = writer.text + "\n"
    raw = text.encode("utf-8")
    source = SourceInfo(path=path, format="txt", sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), encoding="utf-8")
    return Document(
        source=source,
        text=text,
        meta=replace(meta, title=title),
        preamble=preamble_paragraphs,
        sections=sections,
        closing=closing_paragraphs,
        warnings=tuple(warnings),
    )


def evidence_for(document: Document, quote: str, terms: Sequence[str] = (), substance: Sequence[str] = (), part: str | None = None, similarity: float = 0.42) -> Evidence:
    """Evidence for the first occurrence of ``quote``, located in the section tree like the matcher would."""
    start = document.text.find(quote)
    if start < 0:
        raise ValueError(f"quote not in document: {quote!r}")
    end = start + len(quote)
    path: list[str] = []
    role = Role.PREAMBLE if any(p.start <= start < p.end for p in document.preamble) else Role.CLOSING
    for section in document.walk_sections():
        if section.start <= start < section.end:
            role = section.role
            path = path[: section.depth - 1] + [section.heading]
    return Evidence(
        start=start,
        end=end,
        text=quote,
        section=" > ".join(path),
        role=role,
        score=1.0 + 2 * similarity,
        similarity=similarity,
        terms=tuple(t for t in terms if t in quote),
        substance=tuple(s for s in substance if s in quote),
        part=part,
    )


# ---------------------------------------------------------------------------------------------
# Scorecards
# ---------------------------------------------------------------------------------------------


def grade_of(score: float) -> str:
    if score >= 90:
        return "优秀"
    if score >= 80:
        return "良好"
    if score >= 60:
        return "合格"
    return "不合格"


def _points(status: Status, weight: float) -> float:
    return {Status.COVERED: weight, Status.PARTIAL: weight / 2}.get(status, 0.0)


def build_scorecard(document: Document, specs: Sequence[ItemSpec], *, warnings: Sequence[str] = (), waivers: Sequence[Waiver] = ()) -> Scorecard:
    """Items, subtotals, pack scores, total and grade computed the obvious way from ``specs``."""
    waived = {target for w in waivers for target in w.matched}
    items: list[ItemResult] = []
    for spec in specs:
        parts = tuple(
            PartResult(
                id=p.id,
                title=p.title,
                status=p.status,
                evidence=tuple(evidence_for(document, q, p.terms, (), p.id) for q in p.quotes),
            )
            for p in spec.parts
        )
        items.append(
            ItemResult(
                pack=spec.pack,
                id=spec.id,
                title=spec.title,
                section=spec.section,
                group=spec.group,
                status=spec.status,
                score=_points(spec.status, spec.weight),
                weight=spec.weight,
                key=spec.key,
                evidence=tuple(evidence_for(document, q, spec.terms, spec.substance) for q in spec.quotes),
                parts=parts,
                reason=spec.reason,
                advice=spec.advice,
                basis=spec.basis,
            )
        )
    pack_ids = [pid for pid in PACKS if any(i.pack == pid for i in items)]
    packs: list[PackInfo] = []
    subtotals: list[GroupSubtotal] = []
    total_score = total_weight = 0.0
    for pid in pack_ids:
        title, version, sections = PACKS[pid]
        applicable = [i for i in items if i.pack == pid and i.status is not Status.NOT_APPLICABLE]
        score = sum(i.score for i in applicable)
        weight = sum(i.weight for i in applicable)
        total_score += score
        total_weight += weight
        packs.append(PackInfo(pid, title, version, round(100 * score / weight, 1) if weight else 0.0))
        for group, group_title in sections.items():
            in_group = [i for i in items if i.pack == pid and i.group == group]
            if in_group:
                used = [i for i in in_group if i.status is not Status.NOT_APPLICABLE]
                subtotals.append(GroupSubtotal(pid, group, group_title, sum(i.score for i in used), sum(i.weight for i in used)))
    overall = round(100 * total_score / total_weight, 1) if total_weight else 0.0
    key_gaps = tuple(
        f"{i.pack}:{i.id}"
        for i in items
        if i.key and i.status in (Status.MISSING, Status.PARTIAL) and f"{i.pack}:{i.id}" not in waived
    )
    return Scorecard(
        schema_version="1.0",
        document=document,
        packs=tuple(packs),
        items=tuple(items),
        subtotals=tuple(subtotals),
        score=overall,
        grade=grade_of(overall),
        key_not_covered=key_gaps,
        warnings=tuple(warnings),
        waivers=tuple(waivers),
    )


G = "gangyao-2021"
R = "report-structure"
C, P, M, NA = Status.COVERED, Status.PARTIAL, Status.MISSING, Status.NOT_APPLICABLE

ACHIEVEMENTS = SectionSpec(
    "一、",
    "2023年推进法治政府建设的主要举措和成效",
    Role.ACHIEVEMENTS,
    children=(
        SectionSpec("(一)", "深入学习贯彻习近平法治思想", Role.ACHIEVEMENTS, (
            "将学习习近平法治思想作为县政府党组会议“第一议题”，全年开展专题学习12次。组织县政府常务会议会前学法10次。",
        )),
        SectionSpec("(二)", "深化“放管服”改革", Role.ACHIEVEMENTS, (
            "全面推行证明事项告知承诺制，梳理告知承诺事项86项。“一网通办”事项可办率达到98%。",
            "制定《清河县优化营商环境若干措施》，持续优化营商环境。",
        )),
        SectionSpec("(三)", "严格规范行政决策与规范性文件管理", Role.ACHIEVEMENTS, (
            "编制并公布《清河县2023年度重大行政决策事项目录》，列入决策事项5项。严格落实公众参与、合法性审查、集体讨论决定等法定程序。",
            "全年审核行政规范性文件14件，报送备案14件，备案率100%。",
        )),
        SectionSpec("(四)", "严格规范公正文明执法", Role.ACHIEVEMENTS, (
            "全面推行行政执法三项制度，通过行政执法信息公示平台公示行政处罚决定1236件。为执法人员配备执法记录仪320台，实现执法全过程记录。对重大执法决定开展法制审核89件。",
        )),
        SectionSpec("(五)", "依法化解矛盾纠纷，推进政务公开", Role.ACHIEVEMENTS, (
            "全年行政机关负责人出庭应诉42件，出庭率100%。",
            "全年主动公开政府信息2315条，办理依申请公开63件。",
        )),
    ),
)
FIRST_RESPONSIBLE = SectionSpec(
    "二、",
    "党政主要负责人履行推进法治建设第一责任人职责情况",
    Role.FIRST_RESPONSIBLE,
    (
        "县长作为第一责任人，亲自部署、亲自协调、亲自督办法治政府建设重要工作，全年主持召开县政府常务会议专题研究法治政府建设3次。",
        "县委统一领导法治政府建设，将法治政府建设纳入年度工作要点。",
    ),
)
SHORTCOMINGS = SectionSpec(
    "三、", "存在的不足和原因", Role.SHORTCOMINGS, ("一是行政复议工作仍有短板。二是普法宣传针对性不强。",)
)
NEXT_YEAR = SectionSpec(
    "四、",
    "2024年推进法治政府建设的主要安排",
    Role.NEXT_YEAR_PLAN,
    ("2024年，我们将深入落实“谁执法谁普法”普法责任制，加快数字法治政府建设。",),
)


def _county_specs(township: bool = False) -> list[ItemSpec]:
    decision_parts = (
        PartSpec("decision_catalog", "决策事项目录", C, ("编制并公布《清河县2023年度重大行政决策事项目录》，列入决策事项5项。",), ("重大行政决策事项目录",)),
        PartSpec("public_participation", "公众参与", P, ("严格落实公众参与、合法性审查、集体讨论决定等法定程序。",), ("公众参与",)),
        PartSpec("expert_review", "专家论证", M),
        PartSpec("risk_assessment", "风险评估", M),
        PartSpec("legality_review", "合法性审查", P, ("严格落实公众参与、合法性审查、集体讨论决定等法定程序。",), ("合法性审查",)),
        PartSpec("collective_decision", "集体讨论决定", P, ("严格落实公众参与、合法性审查、集体讨论决定等法定程序。",), ("集体讨论决定",)),
    )
    enforcement_parts = (
        PartSpec("publicity", "行政执法公示", C, ("通过行政执法信息公示平台公示行政处罚决定1236件。",), ("公示",)),
        PartSpec("full_record", "执法全过程记录", C, ("为执法人员配备执法记录仪320台，实现执法全过程记录。",), ("执法全过程记录", "执法记录仪")),
        PartSpec("legal_review", "重大执法决定法制审核", C, ("对重大执法决定开展法制审核89件。",), ("法制审核",)),
    )
    level_only = NA if township else P
    return [
        ItemSpec(G, "xi_thought_study", "学习贯彻习近平法治思想", "一", "一", 3, C,
                 quotes=("将学习习近平法治思想作为县政府党组会议“第一议题”，全年开展专题学习12次。",),
                 terms=("习近平法治思想", "第一议题", "专题学习"), substance=("12次",),
                 reason="成效部分有具体学习安排和次数。", advice="写明理论学习中心组、第一议题学习的次数和内容。",
                 basis="《纲要》一“把习近平法治思想贯彻落实到法治政府建设全过程和各方面”。"),
        ItemSpec(G, "party_leadership", "党对法治政府建设的领导", "十", "十", 4, P,
                 quotes=("县委统一领导法治政府建设，将法治政府建设纳入年度工作要点。",),
                 terms=("统一领导", "年度工作要点"),
                 reason="只有笼统表述，没有会议、文件或数字。", advice="写明党委常委会研究部署法治政府建设的次数、议题和形成的文件。",
                 basis="《纲要》十（三十一）“加强党对法治政府建设的领导”。"),
        ItemSpec(G, "first_responsible_person", "党政主要负责人履行推进法治建设第一责任人职责", "十；第一责任人职责规定", "十", 6, C, key=True,
                 quotes=("县长作为第一责任人，亲自部署、亲自协调、亲自督办法治政府建设重要工作，全年主持召开县政府常务会议专题研究法治政府建设3次。",),
                 terms=("第一责任人", "亲自部署", "亲自协调", "亲自督办"), substance=("3次",),
                 reason="第一责任人部分有具体会议次数。", advice="写明主要负责人专题听取汇报、述法、督办的具体情况。",
                 basis="《党政主要负责人履行推进法治建设第一责任人职责规定》第五条、第六条。"),
        ItemSpec(G, "fangguanfu", "深化“放管服”改革", "二（五）", "二", 4, C,
                 quotes=("全面推行证明事项告知承诺制，梳理告知承诺事项86项。",),
                 terms=("告知承诺制", "一网通办"), substance=("86项",),
                 reason="有告知承诺制事项数。", advice="写明告知承诺、一网通办等改革的事项数。", basis="《纲要》二（五）。"),
        ItemSpec(G, "business_environment", "持续优化法治化营商环境", "二（六）", "二", 4, level_only,
                 quotes=() if township else ("制定《清河县优化营商环境若干措施》，持续优化营商环境。",),
                 terms=("营商环境",), substance=("《清河县优化营商环境若干措施》",),
                 reason="不适用于乡镇。" if township else "提到文件，但没有公平竞争审查或涉企政策的具体成果。",
                 advice="写明公平竞争审查的文件数、清理涉企政策的数量和产权保护案例。", basis="《纲要》二（六）“持续优化法治化营商环境”。"),
        ItemSpec(G, "legislation", "立法与政府规章", "三（七）（八）", "三", 2, NA,
                 reason="本条目只适用于省级和设区的市。", advice="写明立法计划、规章制定与立法后评估。", basis="《纲要》三（七）（八）。"),
        ItemSpec(G, "normative_documents", "行政规范性文件合法性审核、备案审查与清理", "三（九）", "三", 5, C,
                 quotes=("全年审核行政规范性文件14件，报送备案14件，备案率100%。",),
                 terms=("规范性文件", "备案"), substance=("14件", "100%"),
                 reason="有审核和备案数量。", advice="写明合法性审核、备案和清理的件数。", basis="《纲要》三（九）。"),
        ItemSpec(G, "major_decision_procedure", "严格落实重大行政决策程序", "四（十）（十一）", "四", 7, P, key=True,
                 parts=decision_parts,
                 quotes=("编制并公布《清河县2023年度重大行政决策事项目录》，列入决策事项5项。",),
                 terms=("重大行政决策",), substance=("《清河县2023年度重大行政决策事项目录》", "5项"),
                 reason="6 个组成部分中只有 1 个有具体证据，专家论证、风险评估未提及。",
                 advice="逐项写明重大行政决策的公众参与、专家论证、风险评估、合法性审查、集体讨论决定的开展情况和数量。",
                 basis="《重大行政决策程序暂行条例》；《纲要》四（十）（十一）。"),
        ItemSpec(G, "three_enforcement_systems", "全面推行行政执法三项制度", "五（十五）", "五", 6, C, key=True,
                 parts=enforcement_parts,
                 quotes=("全面推行行政执法三项制度，通过行政执法信息公示平台公示行政处罚决定1236件。",),
                 terms=("三项制度", "公示"), substance=("1236件",),
                 reason="三个组成部分均有具体数字。", advice="分别写明执法公示、全过程记录、法制审核的数量。",
                 basis="《纲要》五（十五）“全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度”。"),
        ItemSpec(G, "discretion_benchmark", "行政裁量权基准", "五（十五）", "五", 3, M,
                 reason="未提及行政裁量权基准。", advice="写明本年度制定、修订或公布行政裁量权基准的情况，如涉及的部门和事项数。",
                 basis="《纲要》五（十五）“全面落实行政裁量权基准制度”。"),
        ItemSpec(G, "admin_reconsideration", "发挥行政复议主渠道作用", "七（二十二）", "七", 4, NA if township else M,
                 reason="不适用于乡镇。" if township else "只在“不足”部分出现，成效部分没有行政复议的情况。",
                 advice="写明行政复议收案、审结、纠错的件数和纠错率。", basis="《纲要》七（二十二）“发挥行政复议化解行政争议主渠道作用”。"),
        ItemSpec(G, "admin_litigation", "加强和规范行政应诉（负责人出庭应诉）", "七（二十三）", "七", 4, C,
                 quotes=("全年行政机关负责人出庭应诉42件，出庭率100%。",),
                 terms=("出庭应诉", "出庭率"), substance=("42件", "100%"),
                 reason="有出庭应诉件数和出庭率。", advice="写明负责人出庭应诉件数和出庭率。", basis="《纲要》七（二十三）。"),
        ItemSpec(G, "open_government", "全面主动落实政务公开", "八（二十七）", "八", 3, C,
                 quotes=("全年主动公开政府信息2315条，办理依申请公开63件。",),
                 terms=("主动公开", "依申请公开"), substance=("2315条", "63件"),
                 reason="有主动公开和依申请公开数量。", advice="写明主动公开条数和依申请公开办理件数。", basis="《纲要》八（二十七）。"),
        ItemSpec(G, "digital_government", "全面建设数字法治政府", "九", "九", 4, M,
                 reason="只在下一年度安排中提到，成效部分没有。", advice="写明本年度建设或使用的执法信息平台、电子证照、数据共享等具体成果。",
                 basis="《纲要》九“全面建设数字法治政府”。"),
        ItemSpec(G, "law_publicity", "普法与法治宣传（谁执法谁普法）", "十（三十五）", "十", 2, P,
                 quotes=("2024年，我们将深入落实“谁执法谁普法”普法责任制，加快数字法治政府建设。",),
                 terms=("谁执法谁普法", "普法责任制"),
                 reason="只出现在下一年度安排中。", advice="写明本年度落实普法责任制、以案释法的具体活动和数量。",
                 basis="《纲要》十（三十五）；“谁执法谁普法”普法责任制。"),
    ]


def _structure_specs(*, has_shortcomings: bool, has_plan: bool) -> list[ItemSpec]:
    return [
        ItemSpec(R, "rs_measures_results", "上一年度推进法治政府建设的主要举措和成效", "督察规定第二十五条", "结构", 20, C, key=True,
                 quotes=("一、2023年推进法治政府建设的主要举措和成效",), reason="有单独的“主要举措和成效”部分。",
                 advice="用一个部分写明上一年度的主要举措和成效。", basis="《法治政府建设与责任落实督察工作规定》第二十五条。"),
        ItemSpec(R, "rs_shortcomings", "存在的不足和原因", "督察规定第二十五条", "结构", 20, P if has_shortcomings else M, key=True,
                 quotes=("三、存在的不足和原因",) if has_shortcomings else (),
                 reason="列出了问题，但没有分析原因。" if has_shortcomings else "没有“存在的不足和原因”部分。",
                 advice="单列一部分，写明存在的具体不足，并逐条分析原因。", basis="《法治政府建设与责任落实督察工作规定》第二十五条。"),
        ItemSpec(R, "rs_first_responsible", "党政主要负责人履行推进法治建设第一责任人职责情况", "督察规定第二十五条", "结构", 15, C, key=True,
                 quotes=("二、党政主要负责人履行推进法治建设第一责任人职责情况",), reason="有单独部分。",
                 advice="单列一部分写明党政主要负责人履职情况。", basis="《法治政府建设与责任落实督察工作规定》第二十五条。"),
        ItemSpec(R, "rs_next_year_plan", "下一年度推进法治政府建设的主要安排", "督察规定第二十五条", "结构", 15, C if has_plan else M, key=True,
                 quotes=("四、2024年推进法治政府建设的主要安排",) if has_plan else (),
                 reason="有下一年度安排部分。" if has_plan else "没有下一年度工作安排。",
                 advice="单列一部分写明下一年度推进法治政府建设的主要安排。", basis="《法治政府建设与责任落实督察工作规定》第二十五条。"),
        ItemSpec(R, "rs_date_signature", "落款与成文日期", "督察规定第二十六条", "结构", 5, C,
                 reason="有落款单位和日期，日期在规定期限内。", advice="写明落款单位和成文日期。", basis="《法治政府建设与责任落实督察工作规定》第二十六条。"),
        ItemSpec(R, "rs_quantitative_evidence", "数据与事例支撑", "形式规范", "结构", 15, P,
                 reason="部分小节有数字，部分小节没有。", advice="为成效部分的每一小节补充数字、文件名称或典型案例。", basis="督察工作的通行要求。"),
    ]


def make_scorecard(*, path: str = "qinghe_2023.txt", warnings: Sequence[str] = (), waivers: Sequence[Waiver] = ()) -> Scorecard:
    """A county report on 2023 with all four required parts and a mix of statuses."""
    document = make_document(
        title="清河县人民政府关于2023年度法治政府建设工作情况的报告",
        meta=Metadata(jurisdiction="清河县", level=Level.COUNTY, year=2023, year_source="title", date="2024-01-15",
                      addressee="清源市人民政府", signer="清河县人民政府"),
        preamble=("2023年，清河县人民政府坚持以习近平新时代中国特色社会主义思想为指导，全面推进法治政府建设。现将有关情况报告如下：",),
        parts=(ACHIEVEMENTS, FIRST_RESPONSIBLE, SHORTCOMINGS, NEXT_YEAR),
        closing=("清河县人民政府", "2024年1月15日"),
        path=path,
    )
    specs = _county_specs() + _structure_specs(has_shortcomings=True, has_plan=True)
    return build_scorecard(document, specs, warnings=warnings, waivers=waivers)


def make_weak_scorecard() -> Scorecard:
    """A township report without 不足 and 下一年度 parts, no year found, with waivers (one unmatched)."""
    achievements = replace(ACHIEVEMENTS, title="主要举措和成效")
    document = make_document(
        title="柳溪镇法治政府建设工作报告",
        meta=Metadata(jurisdiction="柳溪镇", level=Level.TOWNSHIP, year=None, signer="柳溪镇人民政府"),
        preamble=("今年以来，柳溪镇认真贯彻落实上级关于法治政府建设的部署。",),
        parts=(achievements, FIRST_RESPONSIBLE),
        closing=("柳溪镇人民政府",),
        path="/data/in/柳溪镇报告.txt",
        warnings=("未在标题或开头找到报告年度，已按 gangyao-2021 评分。",),
    )
    specs = _county_specs(township=True) + _structure_specs(has_shortcomings=False, has_plan=False)
    # A weaker report: several covered items become missing.
    weaker = {"fangguanfu", "open_government", "admin_litigation", "law_publicity"}
    specs = [
        replace(s, status=M, quotes=(), reason="未提及。", parts=()) if s.id in weaker else s
        for s in specs
    ]
    specs = [replace(s, quotes=("一、主要举措和成效",)) if s.id == "rs_measures_results" else s for s in specs]
    waivers = (
        Waiver("discretion_benchmark", "本镇无行政处罚权，裁量基准由县级部门制定。", ("gangyao-2021:discretion_benchmark",)),
        Waiver("gangyao-2021:no_such_item", "写错了编号的豁免。", ()),
    )
    return build_scorecard(document, specs, warnings=("本报告未写明报告年度。",), waivers=waivers)


def make_hostile_scorecard() -> Scorecard:
    """Markup, template syntax and entities in every text field that reaches a page."""
    hostile_part = SectionSpec(
        "(六)",
        f"标题{HOSTILE}",
        Role.ACHIEVEMENTS,
        (f"全年公示执法决定1236件{HOSTILE}结束。",),
    )
    achievements = replace(ACHIEVEMENTS, children=ACHIEVEMENTS.children + (hostile_part,))
    document = make_document(
        title=f"清河县{HOSTILE}报告",
        meta=Metadata(jurisdiction=f"清河县{HOSTILE}", level=Level.COUNTY, year=2023, date="2024-01-15", signer=f"落款{HOSTILE}"),
        preamble=(f"开头{HOSTILE}",),
        parts=(achievements, FIRST_RESPONSIBLE, SHORTCOMINGS, NEXT_YEAR),
        closing=("清河县人民政府",),
        path=f"/tmp/in/{HOSTILE_FILE_NAME}",
        warnings=(f"警告{HOSTILE}",),
    )
    specs = _county_specs() + _structure_specs(has_shortcomings=True, has_plan=True)
    specs = [
        replace(
            s,
            quotes=s.quotes + (f"全年公示执法决定1236件{HOSTILE}结束。",),
            terms=s.terms + ("script", "7*7"),
            substance=s.substance + ("&amp;",),
            reason=f"理由{HOSTILE}",
            advice=f"建议{HOSTILE}",
            basis=f"依据{HOSTILE}",
            title=f"{s.title}{HOSTILE}" if s.id == "discretion_benchmark" else s.title,
        )
        if s.pack == G
        else s
        for s in specs
    ]
    card = build_scorecard(
        document,
        specs,
        warnings=(f"提示{HOSTILE}",),
        waivers=(Waiver(f"x{HOSTILE}", f"理由{HOSTILE}", ()),),
    )
    packs = tuple(replace(p, title=f"{p.title}{HOSTILE}") for p in card.packs)
    subtotals = tuple(replace(s, title=f"{s.title}{HOSTILE}") for s in card.subtotals)
    return replace(card, packs=packs, subtotals=subtotals)
