"""The rule objects: a pack of items, each with signal groups, parts, exemplars and examples.

Loaded from YAML by ``scorer.rules.loader``; read by judging (``scorer.judge``). Phrases are stored
normalised exactly like the report text (NFKC, 全角 -> 半角, lower-cased), so matching compares
like with like. ``SignalGroup.hit`` is the one implementation of the group conditions
(any / all / regex / not): the matcher calls it with the phrases it found in a sentence, rule
authors' tests with the sentence text itself.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Container, Mapping

from scorer.model import Level, Role, Status
from scorer.rules.thresholds import MatchingConfig

EXAMPLE_ROLES = (Role.ACHIEVEMENTS, Role.SHORTCOMINGS, Role.FIRST_RESPONSIBLE, Role.NEXT_YEAR_PLAN)
DEFAULT_EXAMPLE_ROLE = Role.ACHIEVEMENTS
DEFAULT_EXAMPLE_LEVEL = Level.COUNTY

_LEVEL_NAMES = {
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "乡镇（街道）",
    Level.DEPARTMENT: "政府部门",
}
_ROLE_NAMES = {
    Role.ACHIEVEMENTS: "主要举措和成效",
    Role.SHORTCOMINGS: "存在的不足和原因",
    Role.FIRST_RESPONSIBLE: "第一责任人履职情况",
    Role.NEXT_YEAR_PLAN: "下一年度主要安排",
}
_STATUS_NAMES = {
    Status.COVERED: "覆盖",
    Status.PARTIAL: "部分覆盖",
    Status.MISSING: "缺失",
    Status.NOT_APPLICABLE: "不适用",
}


def level_name(level: Level) -> str:
    """Chinese name of a government level."""
    return _LEVEL_NAMES[level]


def role_name(role: Role) -> str:
    """Chinese name of a report part's role (for the four example roles; others fall back to the value)."""
    return _ROLE_NAMES.get(role, role.value)


def status_name(status: Status) -> str:
    """Chinese name of a status."""
    return _STATUS_NAMES[status]


@functools.lru_cache(maxsize=16384)
def normalize_text(text: str) -> str:
    """Text normalised exactly like the report text (scorer.ingest.normalize: NFKC, 全角 -> 半角)."""
    # Cached: loading the packs asks for the same phrases and regex characters thousands of times.
    # Imported here: the ingest package pulls in its file readers, which `rules` commands never need.
    from scorer.ingest.normalize import normalize

    return normalize(text)[0]


def normalize_phrase(phrase: str) -> str:
    """A phrase the way it is compared with the report text: normalised and lower-cased."""
    return normalize_text(phrase).strip().lower()


# ---------------------------------------------------------------------------------------------
# The rule objects
# ---------------------------------------------------------------------------------------------


# Regexes of signal groups ignore case, and ^/$ mean the start/end of a sentence: the matcher searches
# a report's sentences joined by newlines in one pass.
REGEX_FLAGS = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class SignalGroup:
    """One group of conditions; it matches a sentence when every condition it gives holds.

    Phrases (``any``/``all``/``not_``) are stored normalised (``normalize_phrase``); regexes are
    precompiled case-insensitively, their source strings kept in ``regex``.
    """

    name: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    not_: tuple[str, ...] = ()
    weight: float = 1.0
    patterns: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.patterns) != len(self.regex):
            object.__setattr__(self, "patterns", tuple(re.compile(p, REGEX_FLAGS) for p in self.regex))

    @property
    def triggers(self) -> tuple[str, ...]:
        """Phrases one of which a matching sentence must contain (empty: a regex-only group)."""
        return self.any or self.all

    def hit(self, present: Container[str], text_lower: str) -> tuple[str, ...] | None:
        """The matched terms when every condition of the group holds, else None.

        ``present`` answers "does the sentence contain this phrase?": the matcher passes the set of
        pack phrases it found in the sentence (one search per document), ``matches`` the sentence
        text itself. ``text_lower`` (normalised, lower-cased) is what the regexes search; for a regex
        the term is the first pattern's matched text.
        """
        terms: list[str] = []
        if self.any:
            found = [phrase for phrase in self.any if phrase in present]
            if not found:
                return None
            terms.extend(found)
        if self.all:
            if not all(phrase in present for phrase in self.all):
                return None
            terms.extend(self.all)
        if self.patterns:
            for pattern in self.patterns:
                match = pattern.search(text_lower)
                if match:
                    terms.append(match.group(0))
                    break
            else:
                return None
        if any(phrase in present for phrase in self.not_):
            return None
        return tuple(dict.fromkeys(terms))

    def matches(self, text_lower: str) -> tuple[str, ...] | None:
        """``hit`` on one sentence's normalised, lower-cased text (for rule authors and tests)."""
        return self.hit(text_lower, text_lower)

    @property
    def phrases(self) -> tuple[str, ...]:
        """Phrases of ``any`` and ``all`` (the ones that go into the tokenizer's dictionary)."""
        return self.any + self.all


@dataclass(frozen=True)
class Part:
    """A named part of an item (e.g. 三项制度: 公示, 全过程记录, 法制审核), matched separately."""

    id: str
    title: str
    signals: tuple[SignalGroup, ...]


@dataclass(frozen=True)
class Example:
    """A labelled text the test-suite runs: the item's status on it must equal ``label``."""

    label: Status
    text: str
    role: Role = DEFAULT_EXAMPLE_ROLE
    level: Level = DEFAULT_EXAMPLE_LEVEL


@dataclass(frozen=True)
class Item:
    """One scored item of a pack."""

    id: str
    title: str
    section: str  # reference in the source document, e.g. 五（十五）
    group: str  # key of Pack.sections
    weight: float
    key: bool
    levels: frozenset[Level]
    basis: str
    advice: str
    signals: tuple[SignalGroup, ...] = ()
    parts: tuple[Part, ...] = ()
    exemplars: tuple[str, ...] = ()  # NFKC-normalised, like Document.text
    examples: tuple[Example, ...] = ()
    check: str | None = None  # structure packs: name of the check in scorer/judge/structure.py
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), hash=False, compare=False)
    source_file: Path | None = None

    def applies_to(self, level: Level | None) -> bool:
        """Whether the item applies to a report of this level (unknown level: it applies)."""
        return level is None or level in self.levels

    def examples_with(self, label: Status) -> tuple[Example, ...]:
        return tuple(example for example in self.examples if example.label is label)

    @property
    def all_levels(self) -> bool:
        return len(self.levels) == len(Level)


@dataclass(frozen=True)
class Pack:
    """A rule pack: a folder with pack.yaml and items/<id>.yaml."""

    id: str
    title: str
    source: str
    version: str
    kind: str  # content | structure
    years_from: int | None
    years_to: int | None
    always: bool
    sections: tuple[tuple[str, str], ...]  # (key, title) in display order
    items: tuple[Item, ...]
    matching: MatchingConfig
    path: Path

    @functools.cached_property
    def _item_index(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError when the pack has none)."""
        return self._item_index[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._item_index

    def applies_to_year(self, year: int) -> bool:
        """Whether a report on ``year`` falls within the pack's ``years`` (open ends allowed)."""
        if self.years_from is not None and year < self.years_from:
            return False
        if self.years_to is not None and year > self.years_to:
            return False
        return True

    def section_title(self, key: str) -> str:
        return dict(self.sections).get(key, key)

    @property
    def total_weight(self) -> float:
        return sum(item.weight for item in self.items)

    @property
    def years_label(self) -> str:
        """The years as shown to users, e.g. ``2021–`` or ``–2020`` or ``不限``."""
        if self.years_from is None and self.years_to is None:
            return "不限"
        start = str(self.years_from) if self.years_from is not None else ""
        end = str(self.years_to) if self.years_to is not None else ""
        return f"{start}–{end}"

    def terms(self) -> tuple[str, ...]:
        """Every phrase of ``any``/``all`` of items and parts, sorted and unique (jieba user words)."""
        return self._terms

    @functools.cached_property
    def _terms(self) -> tuple[str, ...]:
        found: set[str] = set()
        for item in self.items:
            for group in item.signals:
                found.update(group.phrases)
            for part in item.parts:
                for group in part.signals:
                    found.update(group.phrases)
        return tuple(sorted(found))
