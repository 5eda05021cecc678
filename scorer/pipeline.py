"""The whole flow for one report: file -> Document -> packs -> matcher -> Scorecard.

``Scorer`` holds everything that is built once per process (rule packs, jieba dictionary, TF-IDF
vocabulary) so scoring many reports costs only the per-document work.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence

from scorer.document import build_document, raw_text_from_string
from scorer.ingest import InputLimits, read_report
from scorer.judge.match import DocumentAnalysis, Matcher
from scorer.judge.scorecard import build_scorecard
from scorer.model import Document, Scorecard, SentenceFacts
from scorer.rules import load_packs, select_packs
from scorer.rules.thresholds import MatchingConfig


class Scorer:
    def __init__(
        self,
        rules_dir: str | os.PathLike[str] | None = None,
        pack_choice: str = "auto",
        matching: Mapping[str, object] | None = None,
        waivers: Sequence[tuple[str, str]] = (),
        limits: InputLimits | None = None,
    ) -> None:
        self.packs = load_packs(Path(rules_dir) if rules_dir else None)
        if matching:
            # Project overrides go on top of each pack's own thresholds.
            self.packs = {
                pack_id: replace(pack, matching=MatchingConfig.from_mapping(matching, "配置 matching", pack.matching))
                for pack_id, pack in self.packs.items()
            }
        self.pack_choice = pack_choice
        self.waivers = tuple(waivers)
        self.matcher = Matcher(list(self.packs.values()))
        self.limits = limits  # input size bounds for score_path; None: ingest's defaults

    def analyse(self, document: Document) -> DocumentAnalysis:
        """The per-document work every content item shares (sentences, phrases, TF-IDF rows): pass it
        to ``score_document`` and ``sentence_facts`` of the same document to do it once."""
        return self.matcher.analyse(document)

    def score_document(self, document: Document, analysis: DocumentAnalysis | None = None) -> Scorecard:
        packs, warnings = select_packs(self.packs, self.pack_choice, document.meta.year)
        items = []
        for pack in packs:
            if pack.kind != "structure" and analysis is None:
                analysis = self.matcher.analyse(document)
            items.extend(self.matcher.score_pack(pack, document, analysis=analysis))
        return build_scorecard(document, packs, items, warnings=warnings, waivers=self.waivers)

    def sentence_facts(
        self, document: Document, year: int | None = None, analysis: DocumentAnalysis | None = None
    ) -> dict[tuple[int, int], SentenceFacts]:
        """Per body sentence, keyed by (start, end): the content items it bears on and its concrete markers.

        Items are those of the packs chosen for ``year`` (default: the document's own year), so two
        reports of different years can be read against the same packs (year-over-year comparison).
        A sentence bears on an item when the matcher makes it a candidate for it (signals or similarity).
        """
        packs, _ = select_packs(self.packs, self.pack_choice, year if year is not None else document.meta.year)
        analysis = analysis or self.matcher.analyse(document)
        items: list[set[str]] = [set() for _ in analysis.sentences]
        for pack in packs:
            if pack.kind == "structure":
                continue
            for item in pack.items:
                trace = self.matcher.trace_item(pack, item, analysis, document.meta.level)
                for candidate in trace.candidates:
                    items[candidate.index].add(f"{pack.id}:{item.id}")
        return {
            (sentence.start, sentence.end): SentenceFacts(frozenset(items[index]), analysis.substance(index))
            for index, sentence in enumerate(analysis.sentences)
        }

    def score_path(self, path: str | os.PathLike[str]) -> Scorecard:
        return self.score_document(build_document(read_report(path, self.limits)))

    def score_text(self, text: str, path: str = "<string>") -> Scorecard:
        return self.score_document(build_document(raw_text_from_string(text, path)))

