"""Match a Document against rule items: keyword signals + TF-IDF similarity, role- and part-aware.

The matcher is built once per process for a set of packs (jieba dictionary, TF-IDF vocabulary and
exemplar matrix); ``analyse`` does the per-document work once (tokenise every sentence once, find
every phrase once, mark substance), and every item is then judged from that analysis.

Status of a content item (thresholds in ``MatchingConfig``):

* candidate  – a sentence whose signal weight >= min_signal or similarity >= min_similarity;
* strong     – relevance = signal weight + similarity_weight * similarity >= strong_relevance;
* covered    – a strong candidate in an action part (成效/第一责任人/其他) that is concrete: it has
               substance (figures, 《文件》, dates, establishing acts) or the learned sentence model
               reads it as a concrete act of the year (召开专题会议研究部署, 列入年终述职内容…),
               and for items with parts, enough parts shown in action parts;
* partial    – any candidate, but not covered (generic, only some parts, only in 不足/下一步);
* missing    – no candidate.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from scorer.judge.evidence import evidence_from_sentence, make_item_result
from scorer.judge.sentence_model import SentenceModel, TfidfBlock, shipped_model
from scorer.judge.structure import check_item
from scorer.judge.substance import (
    FIGURE,
    STANDING_PRACTICE,
    dated_before,
    substance_markers,
)
from scorer.judge.tokenize import DomainTokenizer
from scorer.model import (
    Document,
    Evidence,
    ItemResult,
    Level,
    PartResult,
    Role,
    Sentence,
    Status,
)

if TYPE_CHECKING:  # pragma: no cover
    from scorer.rules import Item, Pack, SignalGroup


# Sentences that restate what a superior document requires rather than what was done: the quote
# opens the sentence ("《纲要》明确提出,……") and no figure follows.
QUOTE_ONLY = re.compile(r"^[^,，。]{0,30}(纲要|规定|意见|决定|通知|精神)[^,，]{0,12}(要求|提出|指出|明确)[,:，：“]")



@dataclass(frozen=True)
class DocumentAnalysis:
    """Per-document work shared by every item: sentences, phrases present, TF-IDF rows, substance."""

    document: Document
    sentences: tuple[Sentence, ...]
    lowered: tuple[str, ...]
    phrases: tuple[frozenset[str], ...]  # lower-cased pack phrases present in each sentence
    similarity: np.ndarray  # (n_sentences, n_items_with_exemplars): best cosine to each item's exemplars
    token_counts: tuple[int, ...]  # distinct content tokens per sentence
    year: int | None  # the report year, for dating substance
    quote_only: tuple[bool, ...]
    eligible: tuple[bool, ...]  # may be evidence at all (not the title, a part heading or the closing)
    phrase_index: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # phrase -> sentence indexes
    model: SentenceModel | None = field(default=None, compare=False, repr=False)
    _regex_hits: dict = field(default_factory=dict, compare=False, repr=False)  # pattern -> sentence indexes
    _substance: dict = field(default_factory=dict, compare=False, repr=False)  # index -> markers

    def substance(self, index: int) -> tuple[str, ...]:
        """Concrete markers of a sentence, worked out on first use (only candidates need them)."""
        found = self._substance.get(index)
        if found is None:
            found = self._substance[index] = substance_markers(self.sentences[index].text, self.year)
        return found

    @functools.cached_property
    def _act_batch(self) -> dict[int, float]:
        """P(act) of every sentence the matcher may ask about, in one batch on first use: sentences of
        action parts without substance markers (the model is cheaper per sentence in a batch)."""
        if self.model is None:
            return {}
        indexes = [
            i
            for i, sentence in enumerate(self.sentences)
            if self.eligible[i] and sentence.role.counts_as_action and not self.substance(i)
        ]
        if not indexes:
            return {}
        values = self.model.p_act([self.sentences[i].text for i in indexes])
        return dict(zip(indexes, (float(v) for v in values)))

    def act(self, index: int) -> float:
        """The model's P(act) for one sentence (0 for a sentence dated only to earlier years, or one that
        declares a standing practice)."""
        text = self.sentences[index].text
        if self.model is None or dated_before(text, self.year) or STANDING_PRACTICE.match(text):
            return 0.0
        found = self._act_batch.get(index)
        if found is None:  # a sentence outside the batch (markers, but fewer than min_substance)
            found = self._act_batch[index] = float(self.model.p_act([text])[0])
        return found

    def sentences_matching(self, pattern: re.Pattern[str]) -> frozenset[int]:
        """Indexes of sentences in which ``pattern`` matches, found with one pass over the text."""
        cached = self._regex_hits.get(pattern)
        if cached is not None:
            return cached
        joined, starts = self._joined
        found: set[int] = set()
        for match in pattern.finditer(joined):
            first = bisect.bisect_right(starts, match.start()) - 1
            if match.end() <= starts[first] + len(self.lowered[first]):
                found.add(first)
                continue
            # The match runs across a sentence end: look inside each sentence it touches, so no
            # in-sentence match hidden under it is lost.
            last = bisect.bisect_right(starts, max(match.end() - 1, match.start())) - 1
            for index in range(first, last + 1):
                if pattern.search(self.lowered[index]):
                    found.add(index)
        result = frozenset(found)
        self._regex_hits[pattern] = result
        return result

    @functools.cached_property
    def _joined(self) -> tuple[str, list[int]]:
        """The lower-cased sentences joined by newlines, with each sentence's start in it."""
        starts, position = [], 0
        for text in self.lowered:
            starts.append(position)
            position += len(text) + 1
        return "\n".join(self.lowered), starts


def _eligible(sentence: Sentence, title: str | None) -> bool:
    # The title and the headings of top-level parts name the report and its parts ("2024年推进法治政府
    # 建设的主要举措和成效"), not any measure; sub-section headings ("(二)重大行政决策科学民主合法") do.
    if sentence.role is Role.CLOSING:
        return False
    if sentence.is_heading and (len(sentence.section_path) <= 1 or sentence.text == title):
        return False
    return sentence.text != title


@dataclass(frozen=True)
class Candidate:
    """One sentence's relevance to one item (what ``fzscore explain`` prints)."""

    index: int
    sentence: Sentence
    signal_weight: float
    groups: tuple[str, ...]  # names (or first phrase) of the signal groups hit
    terms: tuple[str, ...]  # phrases hit, for highlighting
    similarity: float
    relevance: float
    strong: bool
    action: bool  # stands in a part that can prove action in the year
    concrete: bool  # substance markers, or the learned model reads it as a concrete act
    quote_only: bool
    substance: tuple[str, ...]
    parts: tuple[str, ...]  # part ids whose signals this sentence hits
    act: float = 0.0  # the learned model's P(concrete act of the year)

    @property
    def proves(self) -> bool:
        """Can this sentence by itself make the item covered (ignoring parts)?"""
        return self.strong and self.action and self.concrete and not self.quote_only


@dataclass(frozen=True)
class ItemTrace:
    """Everything that went into one item's status."""

    item_id: str
    applicable: bool
    candidates: tuple[Candidate, ...]  # in document order
    parts: tuple[PartResult, ...]
    status: Status
    reason: str


def _signal_hits(groups: Sequence["SignalGroup"], phrases: frozenset[str], lowered: str) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    """(summed weight, group names, matched terms) of the groups that hold in a sentence."""
    weight = 0.0
    names: list[str] = []
    terms: list[str] = []
    for group in groups:
        hit = group.hit(phrases, lowered)
        if hit is not None:
            weight += group.weight
            names.append(group.name)
            terms.extend(hit)
    return weight, tuple(names), tuple(dict.fromkeys(terms))


@dataclass(frozen=True)
class ItemPlan:
    """Everything about one item the matcher needs per document, prepared once."""

    groups: tuple["SignalGroup", ...]
    parts: tuple[tuple[str, tuple["SignalGroup", ...]], ...]  # (part id, its groups)
    triggers: frozenset[str]  # a sentence without any of these can only match a regex-only group
    regex_only: tuple["SignalGroup", ...]
    exemplar_columns: tuple[int, int]

    @classmethod
    def of(cls, item: "Item", exemplar_columns: tuple[int, int]) -> "ItemPlan":
        groups = tuple(item.signals or ())
        parts = tuple((part.id, tuple(part.signals)) for part in item.parts or ())
        every = (*groups, *(g for _, part_groups in parts for g in part_groups))
        return cls(
            groups=groups,
            parts=parts,
            triggers=frozenset(p for g in every for p in g.triggers),
            regex_only=tuple(g for g in every if not g.triggers),
            exemplar_columns=exemplar_columns,
        )

    @property
    def phrases(self) -> set[str]:
        every = (*self.groups, *(g for _, part_groups in self.parts for g in part_groups))
        return {p for g in every for p in (*g.any, *g.all, *g.not_)}


class Matcher:
    """Scores items of the given packs on documents. Build once, use for many documents."""

    def __init__(
        self,
        packs: Sequence["Pack"],
        tokenizer: DomainTokenizer | None = None,
        sentence_model: SentenceModel | None = None,
    ) -> None:
        self.packs = tuple(packs)
        # The learned sentence model, loaded once per process, and only when some pack uses it.
        uses_model = any(pack.matching.min_act_probability < 1 for pack in self.packs if pack.kind != "structure")
        self.sentence_model = sentence_model or (shipped_model() if uses_model else None)
        phrases: set[str] = set()
        exemplars: list[str] = []
        self._plans: dict[tuple[str, str], ItemPlan] = {}
        for pack in self.packs:
            for item in pack.items:
                start = len(exemplars)
                exemplars.extend(item.exemplars or ())
                plan = ItemPlan.of(item, (start, len(exemplars)))
                self._plans[(pack.id, item.id)] = plan
                phrases.update(plan.phrases)
        # Every `any` and `all` phrase goes into jieba's dictionary (docs/rules.md): Pack.terms().
        self.tokenizer = tokenizer or DomainTokenizer(term for pack in self.packs for term in pack.terms())
        self._phrases = tuple(sorted(phrases))
        # Columns of the exemplar matrix that start each item's block (items without exemplars have
        # none): one np.maximum.reduceat per document gives every item's best similarity at once.
        with_exemplars = [(key, plan) for key, plan in self._plans.items() if plan.exemplar_columns[1] > plan.exemplar_columns[0]]
        self._block_starts = np.asarray([plan.exemplar_columns[0] for _, plan in with_exemplars], dtype=np.intp)
        self._block_of = {key: block for block, (key, _) in enumerate(with_exemplars)}
        self._exemplar_matrix: sparse.csr_matrix | None = None
        if exemplars:
            # TF-IDF over our tokenizer's words (jieba with the domain dictionary; sublinear tf, smoothed
            # IDF, l2 norm: what TfidfVectorizer(analyzer=tokens, sublinear_tf=True) gives, a test checks).
            tokens = [self.tokenizer.tokens(text) for text in exemplars]
            self._tfidf = TfidfBlock.fit(tokens)
            self._exemplar_matrix = self._tfidf.transform(tokens).T.tocsr()

    def vectorize(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows for ``texts`` with the fitted vocabulary and IDF.

        The same numbers as ``TfidfVectorizer.transform`` (sublinear tf, idf, l2 norm; a test keeps
        them equal) without its per-call validation overhead, which on short sentences costs as
        much as a third of the tokenising. Scoring runs this once per sentence of every report.
        """
        return self._tfidf.transform(self.tokenizer.tokens(text) for text in texts)

    # ------------------------------------------------------------------------------------------
    # per document
    # ------------------------------------------------------------------------------------------

    def analyse(self, document: Document) -> DocumentAnalysis:
        sentences = document.sentences()
        lowered = tuple(s.text.lower() for s in sentences)
        # Find each phrase once in the whole text and map hits to sentences by offset: far cheaper
        # than testing every phrase against every sentence.
        text = document.text.lower()
        starts = [s.start for s in sentences]
        present: list[set[str]] = [set() for _ in sentences]
        index_of: dict[str, list[int]] = {}
        # Most phrases cannot occur: skip those whose first two characters never stand together.
        bigrams = {text[i : i + 2] for i in range(len(text) - 1)}
        for phrase in self._phrases:
            if len(phrase) >= 2 and phrase[:2] not in bigrams:
                continue
            position = text.find(phrase)
            while position != -1:
                index = bisect.bisect_right(starts, position) - 1
                if index >= 0 and position + len(phrase) <= sentences[index].end:
                    if phrase not in present[index]:
                        present[index].add(phrase)
                        index_of.setdefault(phrase, []).append(index)
                position = text.find(phrase, position + 1)
        token_counts: tuple[int, ...] = (0,) * len(sentences)
        if self._exemplar_matrix is not None and sentences:
            rows = self.vectorize([s.text for s in sentences])
            similarity = np.maximum.reduceat((rows @ self._exemplar_matrix).toarray(), self._block_starts, axis=1)
            token_counts = tuple(int(n) for n in rows.getnnz(axis=1))
        else:
            similarity = np.zeros((len(sentences), 0))
        return DocumentAnalysis(
            document=document,
            sentences=sentences,
            lowered=lowered,
            phrases=tuple(frozenset(p) for p in present),
            similarity=similarity,
            token_counts=token_counts,
            year=document.meta.year,
            quote_only=tuple(bool(QUOTE_ONLY.search(s.text)) and not FIGURE.search(s.text) for s in sentences),
            eligible=tuple(_eligible(s, document.meta.title) for s in sentences),
            phrase_index={phrase: tuple(indexes) for phrase, indexes in index_of.items()},
            model=self.sentence_model,
        )

    # ------------------------------------------------------------------------------------------
    # per item
    # ------------------------------------------------------------------------------------------

    def _plan(self, pack: "Pack", item: "Item") -> ItemPlan:
        plan = self._plans.get((pack.id, item.id))
        if plan is None:  # an item the matcher was not built with (e.g. a pack loaded later)
            plan = self._plans[(pack.id, item.id)] = ItemPlan.of(item, (0, 0))
        return plan

    def trace_item(self, pack: "Pack", item: "Item", analysis: DocumentAnalysis, level: Level | None = None) -> ItemTrace:
        """Judge one content item on an analysed document, keeping every step for explanation."""
        config = pack.matching
        if not item.applies_to(level):
            return ItemTrace(item.id, False, (), (), Status.NOT_APPLICABLE, "不适用于该层级政府")
        plan = self._plan(pack, item)
        n = len(analysis.sentences)
        block = self._block_of.get((pack.id, item.id))
        similarities = analysis.similarity[:, block] if block is not None and n else np.zeros(n)
        counts = np.asarray(analysis.token_counts, dtype=int) if n else np.zeros(0, dtype=int)
        # Short sentences are too short for similarity to mean anything on its own; signals still count.
        similar = (similarities >= config.min_similarity) & (counts >= config.min_tokens_for_similarity)
        # Only sentences that contain a trigger phrase, match a regex-only group, or are similar
        # enough can be candidates: judge just those.
        indexes: set[int] = set(int(i) for i in np.flatnonzero(similar))
        for phrase in plan.triggers:
            indexes.update(analysis.phrase_index.get(phrase, ()))
        for group in plan.regex_only:
            for pattern in group.patterns:
                indexes.update(analysis.sentences_matching(pattern))
        candidates: list[Candidate] = []
        for index in sorted(indexes):
            if not analysis.eligible[index]:
                continue
            sentence = analysis.sentences[index]
            phrases, lowered = analysis.phrases[index], analysis.lowered[index]
            weight, names, terms = _signal_hits(plan.groups, phrases, lowered)
            similarity = float(similarities[index])
            part_hits = [(part_id, _signal_hits(groups, phrases, lowered)) for part_id, groups in plan.parts]
            part_ids = tuple(part_id for part_id, hit in part_hits if hit[0] > 0)
            if weight < config.min_signal and not similar[index] and not part_ids:
                continue
            if part_ids:
                # Part phrases are about the item even when no item-level group was hit.
                part_terms = [t for part_id, hit in part_hits if hit[0] > 0 for t in hit[2]]
                terms = tuple(dict.fromkeys((*terms, *part_terms)))
                weight = max(weight, config.min_signal)
            relevance = weight + config.similarity_weight * similarity
            substance = analysis.substance(index)
            strong = relevance >= config.strong_relevance
            action = sentence.role.counts_as_action
            # The model is asked only where it can decide: a strong action sentence without markers.
            act = analysis.act(index) if strong and action and len(substance) < config.min_substance else 0.0
            candidates.append(
                Candidate(
                    index=index,
                    sentence=sentence,
                    signal_weight=weight,
                    groups=names,
                    terms=terms,
                    similarity=round(similarity, 4),
                    relevance=round(relevance, 4),
                    strong=strong,
                    action=action,
                    concrete=len(substance) >= config.min_substance or act >= config.min_act_probability,
                    quote_only=analysis.quote_only[index],
                    substance=substance,
                    parts=part_ids,
                    act=round(act, 4),
                )
            )
        parts = self._part_results(item, candidates)
        status, reason = self._status(item, candidates, parts, config)
        return ItemTrace(item.id, True, tuple(candidates), parts, status, reason)

    @staticmethod
    def _part_results(item: "Item", candidates: Sequence[Candidate]) -> tuple[PartResult, ...]:
        results = []
        for part in item.parts or ():
            hits = [c for c in candidates if part.id in c.parts]
            acting = [c for c in hits if c.action and not c.quote_only]
            if acting:
                status = Status.COVERED
                shown = acting
            elif hits:
                status = Status.PARTIAL
                shown = hits
            else:
                status = Status.MISSING
                shown = []
            results.append(PartResult(part.id, part.title, status, tuple(_evidence(c, part.id) for c in shown[:2])))
        return tuple(results)

    @staticmethod
    def _status(item: "Item", candidates: Sequence[Candidate], parts: Sequence[PartResult], config) -> tuple[Status, str]:
        if not candidates:
            return Status.MISSING, "报告中未找到相关表述"
        proving = [c for c in candidates if c.proves]
        if parts:
            shown = sum(1 for p in parts if p.status is Status.COVERED)
            share = shown / len(parts)
            if proving and share >= config.covered_part_share - 1e-9:
                return Status.COVERED, f"有具体举措或数据，且 {shown}/{len(parts)} 个要件均有体现"
            if not proving:
                return Status.PARTIAL, f"提及 {shown}/{len(parts)} 个要件，但缺少具体举措、数据或文件"
            return Status.PARTIAL, f"有具体内容，但仅体现 {shown}/{len(parts)} 个要件"
        if len(proving) >= config.covered_min_sentences:
            if not any(c.substance for c in proving):
                return Status.COVERED, "有本年度具体举措（句子模型判断；没有数据或文件）"
            return Status.COVERED, "有具体举措、数据或文件支撑"
        if not any(c.action for c in candidates):
            return Status.PARTIAL, "仅在不足或下一步安排中提及，未写本年度实际举措"
        if any(c.action and c.strong and c.quote_only for c in candidates) and not proving:
            return Status.PARTIAL, "仅转述上级文件要求，未写本年度实际举措"
        if not any(c.strong and c.action for c in candidates):
            return Status.PARTIAL, "仅有零星相关表述"
        return Status.PARTIAL, "有相关表述，但缺少具体举措、数据或文件"

    def score_item(
        self,
        pack: "Pack",
        item: "Item",
        document: Document,
        level: Level | None = None,
        analysis: DocumentAnalysis | None = None,
    ) -> ItemResult:
        """Judge one item. ``level`` defaults to the document's detected level."""
        if level is None:
            level = document.meta.level
        if getattr(pack, "kind", "content") == "structure":
            return check_item(pack, item, document)
        analysis = analysis or self.analyse(document)
        trace = self.trace_item(pack, item, analysis, level)
        return item_result(pack, item, trace, pack.matching.max_evidence)

    def score_pack(self, pack: "Pack", document: Document, analysis: DocumentAnalysis | None = None) -> list[ItemResult]:
        if getattr(pack, "kind", "content") != "structure":
            analysis = analysis or self.analyse(document)
        return [self.score_item(pack, item, document, analysis=analysis) for item in pack.items]


def _evidence(candidate: Candidate, part: str | None = None) -> Evidence:
    """The candidate's sentence as evidence, with the figures that made it relevant."""
    return replace(
        evidence_from_sentence(candidate.sentence),
        score=candidate.relevance,
        similarity=candidate.similarity,
        terms=candidate.terms,
        substance=candidate.substance,
        part=part,
        act=candidate.act or None,
    )


def rank_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Best evidence first: sentences that prove action, then action, then by relevance; ties by position."""
    return sorted(
        candidates,
        key=lambda c: (not c.proves, not c.action, not c.strong, -c.relevance, c.sentence.start),
    )


def item_result(pack: "Pack", item: "Item", trace: ItemTrace, max_evidence: int) -> ItemResult:
    best = rank_candidates(trace.candidates)[:max_evidence] if trace.status is not Status.MISSING else []
    return make_item_result(pack, item, trace.status, trace.reason, [_evidence(c) for c in best], trace.parts)
