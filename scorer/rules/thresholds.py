"""Matching thresholds: configuration, not code.

Defaults live in ``rules/defaults.yaml`` (key ``matching``); a pack's ``pack.yaml`` may override
them under ``matching:``, and a project's ``.fzscore.yaml`` under ``matching:`` again. Unknown keys
and wrong types are rule/config errors naming where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from scorer.errors import RuleError


@dataclass(frozen=True)
class MatchingConfig:
    # A sentence is a candidate for an item when its signal weight reaches min_signal, or its
    # TF-IDF similarity to the item's exemplars reaches min_similarity.
    min_signal: float = 1.0
    min_similarity: float = 0.30
    # A sentence needs this many distinct content tokens to be a candidate on similarity alone: a
    # 3-word heading shares one word with an exemplar and already scores 0.3-0.4.
    min_tokens_for_similarity: int = 5
    # A candidate is "strong" (can prove coverage) at this relevance (signal weight + similarity bonus).
    strong_relevance: float = 1.5
    similarity_weight: float = 2.0  # relevance = signal weight + similarity_weight * similarity
    # Substance: how many concrete markers (figures with units, 《文件》, dates) a strong, action-role
    # sentence or its paragraph needs for "covered".
    min_substance: int = 1
    # The learned sentence model (rules/models/sentence-act.json): a strong, action-role sentence
    # that it reads as a concrete act of the year with at least this probability counts as concrete
    # without figures or documents ("召开专题会议研究部署", "列入年终述职内容"). 1 or more: model off.
    min_act_probability: float = 0.7
    # Covered needs this many strong, concrete, action-role sentences.
    covered_min_sentences: int = 1
    # Items with parts: the share of parts that must be shown (each part by an action-role sentence).
    covered_part_share: float = 0.8
    # Evidence shown per item.
    max_evidence: int = 3

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, where: str, base: "MatchingConfig | None" = None) -> "MatchingConfig":
        """Overlay ``data`` on ``base`` (or the defaults); ``where`` names the source for errors."""
        config = base or cls()
        if data is None:
            return config
        if not isinstance(data, Mapping):
            raise RuleError(f"{where}，键 matching：应为映射（键: 值），实际为 {type(data).__name__}")
        known = {f.name: f for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise RuleError(f"{where}，键 matching.{key}：未知的阈值（可用：{', '.join(sorted(known))}）")
            expected = known[key].type
            if expected == "int":
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok or value < 0:
                raise RuleError(f"{where}，键 matching.{key}：应为非负{'整数' if expected == 'int' else '数值'}，实际为 {value!r}")
            changes[key] = float(value) if expected == "float" else value
        return replace(config, **changes)
