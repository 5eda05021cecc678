"""Year over year: this year's report of a body read beside last year's.

Four questions a supervisor asks, each answered with the sentences of both years:

* **Items**: status and score of every item last year -> this year (improved / regressed / unchanged).
* **Repeated problems**: statements of this year's 不足 part that near-duplicate one of last year's.
  A statement is a sentence of the part, split at a colon that introduces an enumeration
  ("……仍存在一些不足：一是……", the lead-in is dropped) and at semicolons; enumeration markers
  (一是 / (一) / 1.) are ignored. Two statements repeat when the cosine of their character n-gram
  TF-IDF vectors reaches ``problem_similarity`` -- robust to changed figures and a word or two.
* **Plan follow-through**: each point of last year's plan part (a sub-section of the part, or a
  sentence where the part has none), split into clauses. A point "见成效" when some clause is
  largely found (share of its weighted n-grams, at least ``plan_similarity``) in a sentence of this
  year's 成效 (or 第一责任人) part that states something concrete (a figure, a document, a date) and
  bears on one of the same items as the point; else "未见报告".
* **Recycled achievements**: paragraphs of this year's 成效 part whose cosine to a paragraph of last
  year's 成效 part reaches ``paragraph_similarity`` (the copy-detection measure).

N-grams and hashing are copy detection's (``scorer.copydetect``); the IDF is fitted on the
sentences of both reports, so wording the two share everywhere (法治政府建设) weighs little.
The result types are plain frozen dataclasses; renderers read them without importing any judging.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from scorer.audit.copydetect import ngram_counts
from scorer.document.roles import subsection_role
from scorer.errors import InputError
from scorer.model import (
    IMPROVED,
    LEVEL_LABELS,
    NOT_COMPARABLE,
    ONLY_LAST,
    ONLY_THIS,
    REGRESSED,
    UNCHANGED,
    CompareConfig,
    CompareResult,
    CopyDetectConfig,
    Document,
    ItemChange,
    ItemResult,
    ItemSide,
    Paragraph,
    PlanFollowUp,
    PlanMatch,
    Quote,
    Repeat,
    ReportSide,
    Role,
    Scorecard,
    Section,
    Sentence,
    SentenceFacts,
    Status,
)

COMPARE_SCHEMA_VERSION = "1.0"

_STATUS_RANK = {Status.MISSING: 0, Status.PARTIAL: 1, Status.COVERED: 2}
# Parts whose sentences state what was done in the year (the 督察规定's 成效 and 第一责任人 parts).
_DONE_ROLES = (Role.ACHIEVEMENTS, Role.FIRST_RESPONSIBLE)
_ENUMERATION = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|\(?[一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\(?\d{1,2}\)|\d{1,2}[.、](?!\d))\s*")
_NOT_TEXT = re.compile(r"[^\w%]+")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_CLAUSE_END = re.compile(r"(?<=[,;。:!?，；：！？])")
_STATEMENT_END = re.compile(r"(?<=[;:；：])")
_LEAD_IN_END = (":", "：")
_TOLERANCE = 1e-6  # rounding of the products: identical texts may come out at 0.9999999
_ROW_BLOCK = 512  # rows of a similarity product made dense at a time (bounds memory on huge inputs)


# ---------------------------------------------------------------------------------------------
# Same body, consecutive years
# ---------------------------------------------------------------------------------------------


def body_name(name: str | None) -> str | None:
    """The reporting body as compared: spaces and a trailing 人民政府/政府 dropped."""
    if not name:
        return None
    name = re.sub(r"\s+", "", name)
    return re.sub(r"(?:人民政府|政府)$", "", name) or name


def _describe(document: Document) -> str:
    meta = document.meta
    level = LEVEL_LABELS.get(meta.level, "层级未识别") if meta.level else "层级未识别"
    return f"{meta.jurisdiction or '主体未识别'}（{level}，{f'{meta.year} 年度' if meta.year else '年度未识别'}）"


def check_pair(last: Document, this: Document, force: bool = False) -> tuple[str, ...]:
    """Refuse two reports of plainly different bodies, or in the wrong order (unless ``force``); warnings otherwise.

    Different bodies: both jurisdictions known and neither ends with the other (海原县三河镇 /
    三河镇 are one body), or both levels known and different. File names play no part.
    """
    warnings: list[str] = []
    a, b = last.meta, this.meta
    name_a, name_b = body_name(a.jurisdiction), body_name(b.jurisdiction)
    problems: list[str] = []
    if name_a and name_b and not (name_a.endswith(name_b) or name_b.endswith(name_a)):
        problems.append("报告主体不同")
    if a.level and b.level and a.level is not b.level:
        problems.append("层级不同")
    if problems:
        message = (
            f"两份报告不是同一主体（{'、'.join(problems)}）：上一年度报告为 {_describe(last)}，"
            f"本年度报告为 {_describe(this)}"
        )
        if not force:
            raise InputError(message + "。逐年比较只对同一主体有意义；如确需比较，请加 --force")
        warnings.append(message + "；已按 --force 继续比较，结果仅供参考")
    elif not (name_a and name_b):
        warnings.append("未能识别一份或两份报告的主体，无法确认两份报告属于同一主体")
    if a.year and b.year:
        if a.year >= b.year:
            message = (
                f"上一年度报告的年度（{a.year}）应早于本年度报告的年度（{b.year}）："
                "请检查参数顺序（fzscore compare 上一年度报告 本年度报告）"
            )
            if not force:
                raise InputError(message + "；如确需比较，请加 --force")
            warnings.append(message + "；已按 --force 继续比较")
        elif b.year - a.year != 1:
            warnings.append(f"两份报告的年度不相邻（{a.year} 年与 {b.year} 年），落实情况与重复问题的比较仅供参考")
    else:
        warnings.append("未能识别一份或两份报告的年度，无法确认是相邻两年的报告")
    return tuple(warnings)


# ---------------------------------------------------------------------------------------------
# Text units
# ---------------------------------------------------------------------------------------------


def comparable(text: str) -> str:
    """The text as compared: enumeration marker, punctuation and spaces removed, every figure one "0".

    Figures are updated every year; wording carried over with new figures is still carried over.
    """
    return _FIGURE.sub("0", _NOT_TEXT.sub("", _ENUMERATION.sub("", text)).replace("_", ""))


def _quote(document: Document, start: int, end: int, path: Sequence[str]) -> Quote:
    return Quote(document.text[start:end], start, end, " > ".join(path))


def _sentence_quote(document: Document, sentence: Sentence) -> Quote:
    return _quote(document, sentence.start, sentence.end, sentence.section_path)


def _is_part_heading(sentence: Sentence) -> bool:
    """The heading of a top-level part names the part ("三、存在的不足和原因"), not a problem or a measure."""
    return sentence.is_heading and len(sentence.section_path) <= 1


def problem_statements(document: Document, config: CompareConfig) -> list[Quote]:
    """The statements of the 不足 part, in document order (see the module docstring)."""
    found: list[Quote] = []
    for sentence in document.sentences():
        if sentence.role is not Role.SHORTCOMINGS or _is_part_heading(sentence):
            continue
        pieces = _STATEMENT_END.split(sentence.text)
        offset = sentence.start
        for piece in pieces:
            start, offset = offset, offset + len(piece)
            if len(pieces) > 1 and piece.rstrip().endswith(_LEAD_IN_END):
                continue  # "……仍存在一些不足：" announces the problems, it is not one
            if len(comparable(piece)) < config.min_statement_chars:
                continue
            stripped = piece.strip()
            lead = piece.index(stripped) if stripped else 0
            found.append(_quote(document, start + lead, start + lead + len(stripped), sentence.section_path))
    return found


def _section_sentences(section: Section) -> list[Sentence]:
    return [s for node in section.walk() for p in node.paragraphs for s in p.sentences]


def _is_lead_in(sentence: Sentence, config: CompareConfig) -> bool:
    return sentence.text.rstrip().endswith(_LEAD_IN_END) or len(comparable(sentence.text)) < config.min_statement_chars


def plan_points(document: Document, config: CompareConfig) -> list[tuple[Sentence, ...]]:
    """The points of the plan part, each as its sentences (heading included), in document order.

    A plan part with sub-sections: one point per sub-section (the part's own opening sentences are
    lead-ins). Without: one point per sentence. A plan sub-section inside another part (seed-style
    "1.进一步完善……" under "存在问题和下一步打算") is one point, unless its heading only names the
    plan ("(二)下一步工作打算"), which makes it a part of its own. Plan sentences outside any plan
    section (a part whose role moves on to the plan mid-way) are one point each.
    """
    points: list[tuple[Sentence, ...]] = []

    def plan_only(sentences: Iterable[Sentence]) -> tuple[Sentence, ...]:
        return tuple(s for s in sentences if s.role is Role.NEXT_YEAR_PLAN)

    def per_sentence(section: Section) -> None:
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                if sentence.role is Role.NEXT_YEAR_PLAN and not sentence.is_heading and not _is_lead_in(sentence, config):
                    points.append((sentence,))

    def visit(section: Section, parent_is_plan: bool) -> None:
        is_plan = section.role is Role.NEXT_YEAR_PLAN
        if is_plan and not parent_is_plan:
            if section.children:
                for child in section.children:
                    point = plan_only(_section_sentences(child))
                    if point:
                        points.append(point)
            elif section.depth == 1 or subsection_role(section.title) is Role.NEXT_YEAR_PLAN:
                per_sentence(section)
            else:
                point = plan_only(_section_sentences(section))
                if point:
                    points.append(point)
            return
        for child in section.children:
            visit(child, is_plan)

    for section in document.sections:
        visit(section, False)
    taken = {(s.start, s.end) for point in points for s in point}
    for sentence in document.sentences():
        if (
            sentence.role is Role.NEXT_YEAR_PLAN
            and (sentence.start, sentence.end) not in taken
            and not sentence.is_heading
            and not _is_lead_in(sentence, config)
        ):
            points.append((sentence,))
    points.sort(key=lambda point: point[0].start)
    return [point for point in points if point]


def _without_lead_in(text: str) -> str:
    """The text after a lead-in colon ("我县将重点做好以下工作：……"), when something follows it."""
    _, colon, rest = text.partition(":") if ":" in text else text.partition("：")
    return rest if colon and comparable(rest) else text


def _clauses(sentences: Sequence[Sentence], config: CompareConfig) -> list[str]:
    clauses: list[str] = []
    for sentence in sentences:
        for clause in _CLAUSE_END.split(_ENUMERATION.sub("", _without_lead_in(sentence.text))):
            clause = clause.strip().rstrip(",;。:!?，；：！？")
            if len(comparable(clause)) >= config.min_clause_chars and clause not in clauses:
                clauses.append(clause)
    return clauses


def _paragraph_role(paragraph: Paragraph) -> Role | None:
    for sentence in paragraph.sentences:
        if not sentence.is_heading:
            return sentence.role
    return None


def achievement_paragraphs(document: Document, config: CompareConfig) -> list[Quote]:
    """Body paragraphs of the 成效 part long enough to compare."""
    found: list[Quote] = []
    for section in document.walk_sections():
        for paragraph in section.paragraphs:
            if _paragraph_role(paragraph) is not Role.ACHIEVEMENTS:
                continue
            body = [s for s in paragraph.sentences if not s.is_heading]
            if len(comparable("".join(s.text for s in body))) < config.min_paragraph_chars:
                continue
            found.append(_quote(document, body[0].start, body[-1].end, body[0].section_path))
    found.sort(key=lambda quote: quote.start)
    return found


# ---------------------------------------------------------------------------------------------
# Similarity
# ---------------------------------------------------------------------------------------------


class TextSpace:
    """Character n-gram TF-IDF (copy detection's n-grams and hashing), IDF fitted on ``background``."""

    def __init__(self, background: Sequence[str]) -> None:
        self._hashing = CopyDetectConfig()
        texts = [comparable(t) for t in background] or [""]
        counts = ngram_counts(texts, self._hashing)
        # Smoothed IDF in the counts' dtype, exactly as TfidfTransformer(sublinear_tf=True).fit computes
        # it (a test compares): ln((1 + n) / (1 + df)) + 1. Done here so that no command needs
        # scikit-learn at run time (its import is ~0.8 s).
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(counts.dtype)
        df += 1.0
        idf = np.full_like(df, fill_value=counts.shape[0] + 1)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        self._idf = idf

    def weights(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unnormalised TF-IDF rows (sublinear tf: 1 + ln(count))."""
        rows = ngram_counts([comparable(t) for t in texts], self._hashing).astype(np.float64)
        np.log(rows.data, out=rows.data)
        rows.data += 1.0
        rows.data *= self._idf[rows.indices]
        return rows

    def unit(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """L2-normalised TF-IDF rows (cosine = dot product)."""
        rows = self.weights(texts)
        norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ rows)

    def presence(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """1 where the text has the n-gram."""
        rows = ngram_counts([comparable(t) for t in texts], self._hashing)
        rows.data[:] = 1.0
        return rows


def _blocks(left: sparse.csr_matrix, right_t: sparse.csr_matrix) -> Iterable[tuple[int, np.ndarray]]:
    """Dense row blocks of ``left @ right_t`` (bounded memory)."""
    for start in range(0, left.shape[0], _ROW_BLOCK):
        yield start, np.asarray((left[start : start + _ROW_BLOCK] @ right_t).todense())


def cosine_best(space: TextSpace, texts: Sequence[str], others: Sequence[str]) -> list[tuple[int, float]]:
    """For each text, (index of the most similar of ``others``, cosine); (-1, 0.0) when there are none."""
    if not texts:
        return []
    if not others:
        return [(-1, 0.0)] * len(texts)
    best: list[tuple[int, float]] = []
    for _, block in _blocks(space.unit(texts), space.unit(others).T.tocsr()):
        for row in block:
            index = int(np.argmax(row))  # first of equals: the earliest in document order
            best.append((index, float(min(row[index], 1.0))))
    return best


def containment(space: TextSpace, texts: Sequence[str], others: Sequence[str]) -> np.ndarray:
    """[i, j] = weighted share of text i's n-grams that occur in other j."""
    if not texts or not others:
        return np.zeros((len(texts), len(others)))
    weights = space.weights(texts)
    totals = np.asarray(weights.sum(axis=1)).ravel()
    totals[totals == 0] = 1.0
    result = np.zeros((len(texts), len(others)))
    for start, block in _blocks(weights, space.presence(others).T.tocsr()):
        result[start : start + block.shape[0]] = block / totals[start : start + block.shape[0], None]
    return np.minimum(result, 1.0)


# ---------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------


def _side(card: Scorecard) -> ReportSide:
    meta = card.document.meta
    return ReportSide(
        path=card.document.source.path,
        title=meta.title,
        jurisdiction=meta.jurisdiction,
        level=meta.level,
        year=meta.year,
        date=meta.date,
        score=card.score,
        grade=card.grade,
        packs=tuple(p.id for p in card.packs),
        sha256=card.document.source.sha256,
    )


def _item_side(item: ItemResult) -> ItemSide:
    return ItemSide(item.status, item.score, item.weight, item.reason, item.evidence)


def _change(last: ItemResult | None, this: ItemResult | None) -> str:
    if last is None:
        return ONLY_THIS
    if this is None:
        return ONLY_LAST
    if last.status is this.status:
        return UNCHANGED
    if last.status not in _STATUS_RANK or this.status not in _STATUS_RANK:
        return NOT_COMPARABLE
    return IMPROVED if _STATUS_RANK[this.status] > _STATUS_RANK[last.status] else REGRESSED


def item_changes(last: Scorecard, this: Scorecard) -> tuple[ItemChange, ...]:
    """Every item of either year: this year's order first, then items of last year's packs only."""
    last_items = {(i.pack, i.id): i for i in last.items}
    this_keys = {(i.pack, i.id) for i in this.items}
    changes: list[ItemChange] = []
    for item in (*this.items, *(i for i in last.items if (i.pack, i.id) not in this_keys)):
        before = last_items.get((item.pack, item.id))
        after = item if (item.pack, item.id) in this_keys else None
        changes.append(
            ItemChange(
                pack=item.pack,
                id=item.id,
                title=item.title,
                key=item.key,
                change=_change(before, after),
                last=_item_side(before) if before is not None else None,
                this=_item_side(after) if after is not None else None,
            )
        )
    return tuple(changes)


def repeats(space: TextSpace, last: Sequence[Quote], this: Sequence[Quote], threshold: float) -> tuple[Repeat, ...]:
    """Each of this year's stretches whose most similar stretch of last year's reaches ``threshold``."""
    found = []
    for quote, (index, similarity) in zip(this, cosine_best(space, [q.text for q in this], [q.text for q in last])):
        if index >= 0 and similarity >= threshold - _TOLERANCE:
            found.append(Repeat(quote, last[index], round(similarity, 4)))
    return tuple(found)


def _point_title(point: Sequence[Sentence], clauses: Sequence[str]) -> str:
    for sentence in point:
        if sentence.is_heading:
            return _ENUMERATION.sub("", sentence.text).strip().rstrip("。:：")
    return clauses[0] if clauses else point[0].text


def plan_follow_up(
    space: TextSpace,
    last: Document,
    this: Document,
    config: CompareConfig,
    last_facts: Mapping[tuple[int, int], SentenceFacts] | None = None,
    this_facts: Mapping[tuple[int, int], SentenceFacts] | None = None,
) -> tuple[PlanFollowUp, ...]:
    """Each point of last year's plan part against this year's 成效 / 第一责任人 sentences.

    With facts (from ``Scorer.sentence_facts``) a sentence must be concrete and share an item with
    the point, when the point bears on any; without, wording alone decides.
    """
    done = [
        s
        for s in this.sentences()
        if s.role in _DONE_ROLES
        and not s.is_heading
        and (this_facts is None or this_facts.get((s.start, s.end), SentenceFacts()).substance)
    ]
    done_items = [this_facts.get((s.start, s.end), SentenceFacts()).items if this_facts else frozenset() for s in done]
    results: list[PlanFollowUp] = []
    for point in plan_points(last, config):
        clauses = _clauses(point, config)
        items: frozenset[str] = frozenset()
        if last_facts is not None:
            items = frozenset().union(*(last_facts.get((s.start, s.end), SentenceFacts()).items for s in point))
        # Same items: a sentence qualifies when the point names no item or the two share one.
        allowed = np.asarray([not items or bool(items & found) for found in done_items], dtype=bool)
        shares = containment(space, clauses, [s.text for s in done])
        if shares.size:
            shares = np.where(allowed[None, :], shares, 0.0)
        best_by_sentence: dict[int, PlanMatch] = {}
        nearest: PlanMatch | None = None
        for row, clause in enumerate(clauses):
            if not shares.size:
                break
            column = int(np.argmax(shares[row]))
            share = round(float(shares[row, column]), 4)
            if share <= 0:
                continue
            match = PlanMatch(clause, _sentence_quote(this, done[column]), share)
            if share >= config.plan_similarity - _TOLERANCE:
                current = best_by_sentence.get(column)
                if current is None or share > current.share:
                    best_by_sentence[column] = match
            elif nearest is None or share > nearest.share:
                nearest = match
        matches = sorted(best_by_sentence.values(), key=lambda m: (-m.share, m.evidence.start))[: config.max_evidence]
        start, end = point[0].start, point[-1].end
        results.append(
            PlanFollowUp(
                point=_quote(last, start, end, point[0].section_path),
                title=_point_title(point, clauses),
                items=tuple(sorted(items)),
                followed=bool(matches),
                matches=tuple(matches),
                nearest=None if matches else nearest,
            )
        )
    return tuple(results)


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def verdict_line(
    last: ReportSide, this: ReportSide, *, repeated: int, statements: int, followed: int, points: int, recycled: int
) -> str:
    """The one line at the top: score change, repeated problems, plans followed up, recycled paragraphs."""
    change = round(this.score - last.score, 1)
    pieces = [
        f"总分 {last.score:.1f} → {this.score:.1f}（{_signed(change)} 分）",
        f"重复上一年度的问题 {repeated} 条（本年度“不足”共 {statements} 条）",
        f"上一年度安排见成效 {followed}/{points} 项" if points else "上一年度报告无可核对的下一年度安排",
        f"沿用上一年度的成效段落 {recycled} 段",
    ]
    return "；".join(pieces)


def compare_scorecards(
    last: Scorecard,
    this: Scorecard,
    *,
    config: CompareConfig | None = None,
    force: bool = False,
    last_facts: Mapping[tuple[int, int], SentenceFacts] | None = None,
    this_facts: Mapping[tuple[int, int], SentenceFacts] | None = None,
) -> CompareResult:
    """Compare last year's scorecard with this year's (raises InputError for different bodies unless ``force``)."""
    config = config or CompareConfig()
    warnings = list(check_pair(last.document, this.document, force))
    last_doc, this_doc = last.document, this.document
    space = TextSpace([s.text for s in (*last_doc.sentences(), *this_doc.sentences())])

    last_statements = problem_statements(last_doc, config)
    this_statements = problem_statements(this_doc, config)
    if not last_statements:
        warnings.append("上一年度报告中没有识别出“存在的不足”部分，无法比较重复的问题")
    if not this_statements:
        warnings.append("本年度报告中没有识别出“存在的不足”部分，无法比较重复的问题")
    repeated = repeats(space, last_statements, this_statements, config.problem_similarity)

    plans = plan_follow_up(space, last_doc, this_doc, config, last_facts, this_facts)
    if not plans:
        warnings.append("上一年度报告中没有识别出“下一年度安排”部分，无法核对安排的落实情况")
    if not any(s.role is Role.ACHIEVEMENTS for s in this_doc.sentences()):
        warnings.append("本年度报告中没有识别出“成效”部分，上一年度的安排均无法核对")

    last_paragraphs = achievement_paragraphs(last_doc, config)
    this_paragraphs = achievement_paragraphs(this_doc, config)
    recycled = repeats(space, last_paragraphs, this_paragraphs, config.paragraph_similarity)

    if {p.id for p in last.packs} != {p.id for p in this.packs}:
        warnings.append(
            "两份报告适用的规则包不同（上一年度："
            + "、".join(p.id for p in last.packs)
            + "；本年度："
            + "、".join(p.id for p in this.packs)
            + "），只在一年出现的条目不作比较，总分变化仅供参考"
        )
    last_side, this_side = _side(last), _side(this)
    verdict = verdict_line(
        last_side,
        this_side,
        repeated=len(repeated),
        statements=len(this_statements),
        followed=sum(1 for p in plans if p.followed),
        points=len(plans),
        recycled=len(recycled),
    )
    return CompareResult(
        last=last_side,
        this=this_side,
        score_change=round(this.score - last.score, 4),
        items=item_changes(last, this),
        problem_statements=len(this_statements),
        last_problem_statements=len(last_statements),
        repeated_problems=repeated,
        plan_points=plans,
        achievement_paragraphs=len(this_paragraphs),
        recycled=recycled,
        verdict=verdict,
        config=config,
        warnings=tuple(dict.fromkeys(warnings)),
        forced=force,
    )


def compare_paths(
    scorer,  # scorer.pipeline.Scorer (not imported: audit reads it, the command builds it)
    last_path: str,
    this_path: str,
    *,
    config: CompareConfig | None = None,
    force: bool = False,
) -> CompareResult:
    """Score both reports and compare them; the bodies are checked before the (costlier) scoring."""
    from scorer.document import load_document

    last_doc, this_doc = load_document(last_path), load_document(this_path)
    check_pair(last_doc, this_doc, force)
    # Each document is analysed once (the jieba pass and TF-IDF rows), for its score and its facts.
    last_analysis, this_analysis = scorer.analyse(last_doc), scorer.analyse(this_doc)
    last_card = scorer.score_document(last_doc, analysis=last_analysis)
    this_card = scorer.score_document(this_doc, analysis=this_analysis)
    # Last year's plan is read against this year's packs: the plan is about this year's work.
    year = this_doc.meta.year
    return compare_scorecards(
        last_card,
        this_card,
        config=config,
        force=force,
        last_facts=scorer.sentence_facts(last_doc, year, analysis=last_analysis),
        this_facts=scorer.sentence_facts(this_doc, year, analysis=this_analysis),
    )
