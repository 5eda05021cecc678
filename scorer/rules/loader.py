"""Rule packs: the YAML format of ``docs/rules.md`` loaded into frozen dataclasses, with validation.

Loading never stops at the first problem: every problem of a load (all packs of a rules folder) is
collected and raised as one ``RuleError`` whose message has one line per problem, each naming the
file, the item and the key, e.g. ``rules/gangyao-2021/items/x.yaml：条目 x，键 signals[2].any：应为字符串列表``.

The set of keys known to the validator (``PACK_KEYS``, ``ITEM_KEYS``, ...) is the same as the property
names of the JSON Schemas in ``rules/schema/`` (a test keeps the two in sync).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

import yaml

import scorer
from scorer.errors import RuleError
from scorer.model import Level, Role, Status
from scorer.rules.thresholds import MatchingConfig
from scorer.rules.types import (
    DEFAULT_EXAMPLE_LEVEL,
    DEFAULT_EXAMPLE_ROLE,
    EXAMPLE_ROLES,
    REGEX_FLAGS,
    Example,
    Item,
    Pack,
    Part,
    SignalGroup,
    normalize_phrase,
    normalize_text,
)

# ---------------------------------------------------------------------------------------------
# Vocabulary of the format (keep in sync with rules/schema/*.schema.json and docs/rules.md)
# ---------------------------------------------------------------------------------------------

PACK_KEYS = ("id", "title", "source", "version", "kind", "years", "always", "sections", "items", "matching")
PACK_REQUIRED = ("id", "title", "source", "version", "kind", "years", "sections", "items")
YEARS_KEYS = ("from", "to")
ITEM_KEYS = (
    "id",
    "title",
    "section",
    "group",
    "weight",
    "key",
    "levels",
    "basis",
    "advice",
    "signals",
    "parts",
    "exemplars",
    "examples",
    "check",
    "params",
)
ITEM_REQUIRED = ("id", "title", "section", "group", "weight", "basis", "advice", "examples")
CONTENT_ITEM_REQUIRED = ("signals", "exemplars")
STRUCTURE_ITEM_REQUIRED = ("check",)
SIGNAL_KEYS = ("name", "any", "all", "regex", "not", "weight")
PART_KEYS = ("id", "title", "signals")
EXAMPLE_LABELS = ("covered", "partial", "missing", "not_applicable")
EXAMPLE_KEYS = ("text", "role", "level")
DEFAULTS_KEYS = ("matching",)
MATCHING_KEYS = tuple(f.name for f in fields(MatchingConfig))

PACK_KINDS = ("content", "structure")
# Minimum number of examples per label; ``not_applicable`` examples are optional.
MIN_EXAMPLES = {"covered": 2, "partial": 1, "missing": 2}
MIN_EXEMPLARS = 2

# Checks that scorer/judge/structure.py registers; a structure item's ``check`` must be one of these.
STRUCTURE_CHECKS = (
    "part_present",
    "shortcomings_with_causes",
    "first_responsible_part",
    "title_form",
    "year_consistency",
    "date_signature",
    "quantitative_evidence",
)

PACK_ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
ITEM_ID_PATTERN = re.compile(r"^[a-z0-9_]+$")

SCHEMA_DIR_NAME = "schema"
DEFAULTS_FILE = "defaults.yaml"
PACK_FILE = "pack.yaml"
ITEMS_DIR = "items"

# ---------------------------------------------------------------------------------------------
# Reading YAML
# ---------------------------------------------------------------------------------------------


# libyaml's parser when available (several times faster: the CLI loads ~60 files at start-up).
_SafeLoaderBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeySafeLoader(_SafeLoaderBase):  # type: ignore[misc, valid-type]
    """Safe loader that refuses a key given twice in one mapping (YAML would keep the last one silently)."""


def _construct_unique_mapping(loader: _UniqueKeySafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, Any] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # unhashable key: let the constructor report it
            duplicate = False
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"重复的键 {key!r}",
                key_node.start_mark,
            )
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


_UniqueKeySafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


class _Problems:
    """Collects problems of one load; ``raise_if_any`` turns them into one RuleError."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, key: str | None, message: str) -> None:
        self.lines.append(f"{where}，键 {key}：{message}" if key else f"{where}：{message}")

    def __len__(self) -> int:
        return len(self.lines)

    def raise_if_any(self) -> None:
        if self.lines:
            raise RuleError(format_problems(self.lines))


def format_problems(lines: list[str]) -> str:
    """The message of a RuleError with several problems: a count, then one problem per line."""
    return f"规则校验发现 {len(lines)} 个问题：\n" + "\n".join(f"  {line}" for line in lines)


def display_path(path: Path, base: Path | None = None) -> str:
    """A short path for messages: relative to the working directory, else to ``base``."""
    resolved = path.resolve()
    for root in (Path.cwd().resolve(), base.resolve() if base else None):
        if root is None:
            continue
        try:
            return resolved.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _read_yaml(path: Path, shown: str, problems: _Problems) -> tuple[bool, Any]:
    """Parse one YAML file; on failure record a problem with the line and return (False, None)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(shown, None, "文件不是 UTF-8 编码")
        return False, None
    except OSError as exc:
        problems.add(shown, None, f"无法读取文件：{exc.strerror or exc}")
        return False, None
    try:
        return True, yaml.load(text, Loader=_UniqueKeySafeLoader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        context_mark = getattr(exc, "context_mark", None)
        detail = str(getattr(exc, "problem", None) or exc)
        context = getattr(exc, "context", None)
        if context and "重复的键" not in detail:
            started = f"，始于第 {context_mark.line + 1} 行" if context_mark is not None and mark is not None and context_mark.line != mark.line else ""
            detail += f"（{context}{started}）"
        if mark is not None:
            problems.add(shown, None, f"第 {mark.line + 1} 行第 {mark.column + 1} 列：YAML 语法错误：{detail}")
        else:
            problems.add(shown, None, f"YAML 语法错误：{detail}")
        return False, None


# ---------------------------------------------------------------------------------------------
# Field checks (each records a problem and returns None when the value is wrong)
# ---------------------------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"数值 {value}"
    if isinstance(value, str):
        return f"字符串 {value!r}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return type(value).__name__


class _Fields:
    """Reads typed values from one mapping, recording problems under ``where`` with key paths."""

    def __init__(self, problems: _Problems, where: str) -> None:
        self.problems = problems
        self.where = where

    def add(self, key: str | None, message: str) -> None:
        self.problems.add(self.where, key, message)

    def known_keys(self, data: Mapping[Any, Any], known: Iterable[str], prefix: str = "") -> None:
        known = tuple(known)
        for key in data:
            if key in known:
                continue
            shown = f"{prefix}{key}"
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            if close:
                self.add(shown, f"未知的键，是否应为 {prefix}{close[0]}？")
            else:
                self.add(shown, f"未知的键（可用的键：{', '.join(known)}）")

    def required(self, data: Mapping[Any, Any], keys: Iterable[str], prefix: str = "") -> None:
        for key in keys:
            if key not in data:
                self.add(f"{prefix}{key}", "缺少必填的键")

    def string(self, value: Any, key: str) -> str | None:
        if not isinstance(value, str):
            hint = "（请加引号）" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
            self.add(key, f"应为字符串，实际为{_type_name(value)}{hint}")
            return None
        if not value.strip():
            self.add(key, "不能为空字符串")
            return None
        return value.strip()

    def string_list(self, value: Any, key: str, allow_empty: bool = False, unique: bool = True) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.add(key, f"应为字符串列表，实际为{_type_name(value)}")
            return None
        if not value and not allow_empty:
            self.add(key, "不能为空列表")
            return None
        result: list[str] = []
        ok = True
        for index, element in enumerate(value):
            text = self.string(element, f"{key}[{index}]")
            if text is None:
                ok = False
            elif unique and text in result:
                self.add(f"{key}[{index}]", f"重复的值 {text!r}")
                ok = False
            else:
                result.append(text)
        return tuple(result) if ok else None

    def number(self, value: Any, key: str, positive: bool = True) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.add(key, f"应为数值，实际为{_type_name(value)}")
            return None
        if positive and value <= 0:
            self.add(key, f"应为大于 0 的数值，实际为 {value}")
            return None
        return float(value)

    def boolean(self, value: Any, key: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(key, f"应为 true 或 false，实际为{_type_name(value)}")
            return None
        return value

    def mapping(self, value: Any, key: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(key, f"应为映射（键: 值），实际为{_type_name(value)}")
            return None
        return value


# ---------------------------------------------------------------------------------------------
# Parsing items
# ---------------------------------------------------------------------------------------------


def _unmatchable_characters(pattern: str) -> list[tuple[str, str]]:
    """Characters of a regex that never occur in normalised text, with their normalised form.

    Such a character is harmless when its normalised form is in the pattern too (``[,，]``).
    """
    found = []
    for char in sorted(set(pattern)):
        mapped = normalize_text(char) if not char.isspace() else char
        if mapped != char and mapped not in pattern:
            found.append((char, mapped))
    return found



def _parse_signal_groups(value: Any, key: str, fields_: _Fields) -> tuple[SignalGroup, ...] | None:
    if not isinstance(value, list):
        fields_.add(key, f"应为信号组列表，实际为{_type_name(value)}")
        return None
    if not value:
        fields_.add(key, "至少需要一个信号组")
        return None
    groups: list[SignalGroup] = []
    ok = True
    for index, raw in enumerate(value):
        group = _parse_signal_group(raw, f"{key}[{index}]", fields_)
        if group is None:
            ok = False
        else:
            groups.append(group)
    return tuple(groups) if ok else None


def _parse_signal_group(raw: Any, key: str, fields_: _Fields) -> SignalGroup | None:
    data = fields_.mapping(raw, key)
    if data is None:
        return None
    before = len(fields_.problems)
    fields_.known_keys(data, SIGNAL_KEYS, prefix=f"{key}.")
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("any", "all", "regex", "not"):
        if name in data:
            parsed = fields_.string_list(data[name], f"{key}.{name}")
            if parsed is not None:
                lists[name] = parsed
    if not any(name in data for name in ("any", "all", "regex")):
        fields_.add(key, "信号组至少需要 any、all、regex 之一")
    patterns: list[re.Pattern[str]] = []
    for index, pattern in enumerate(lists.get("regex", ())):
        try:
            compiled = re.compile(pattern, REGEX_FLAGS)
        except re.error as exc:
            fields_.add(f"{key}.regex[{index}]", f"正则表达式 {pattern!r} 无法编译：{exc}")
            continue
        if compiled.match(""):
            fields_.add(f"{key}.regex[{index}]", f"正则表达式 {pattern!r} 能匹配空字符串，会命中任何句子")
            continue
        unmatchable = _unmatchable_characters(pattern)
        if unmatchable:
            # Report text is normalised (全角 -> 半角), so a full-width character never matches.
            shown = "、".join(f"{char}→{mapped}" for char, mapped in unmatchable)
            fields_.add(f"{key}.regex[{index}]", f"正则表达式含全角字符（{shown}），报告文本已规范化为半角，请改用半角字符")
            continue
        patterns.append(compiled)
    weight = 1.0
    if "weight" in data:
        parsed_weight = fields_.number(data["weight"], f"{key}.weight")
        weight = parsed_weight if parsed_weight is not None else weight
    name = ""
    if "name" in data:
        name = fields_.string(data["name"], f"{key}.name") or ""
    if len(fields_.problems) > before:
        return None
    normalized = {k: tuple(dict.fromkeys(normalize_phrase(p) for p in v)) for k, v in lists.items() if k != "regex"}
    if not name:
        shown_terms = lists.get("any") or lists.get("all") or lists.get("regex") or ()
        name = "、".join(shown_terms[:3]) + ("等" if len(shown_terms) > 3 else "")
    return SignalGroup(
        name=name,
        any=normalized.get("any", ()),
        all=normalized.get("all", ()),
        regex=lists.get("regex", ()),
        not_=normalized.get("not", ()),
        weight=weight,
        patterns=tuple(patterns),
    )


def _parse_parts(value: Any, fields_: _Fields) -> tuple[Part, ...] | None:
    if not isinstance(value, list):
        fields_.add("parts", f"应为列表，实际为{_type_name(value)}")
        return None
    if not value:
        fields_.add("parts", "不能为空列表（没有分项时请删去 parts）")
        return None
    parts: list[Part] = []
    seen: set[str] = set()
    ok = True
    for index, raw in enumerate(value):
        key = f"parts[{index}]"
        data = fields_.mapping(raw, key)
        if data is None:
            ok = False
            continue
        before = len(fields_.problems)
        fields_.known_keys(data, PART_KEYS, prefix=f"{key}.")
        fields_.required(data, PART_KEYS, prefix=f"{key}.")
        part_id = fields_.string(data["id"], f"{key}.id") if "id" in data else None
        if part_id is not None:
            if not ITEM_ID_PATTERN.match(part_id):
                fields_.add(f"{key}.id", f"分项 id {part_id!r} 只能含小写字母、数字和下划线")
            elif part_id in seen:
                fields_.add(f"{key}.id", f"分项 id {part_id!r} 重复")
            seen.add(part_id)
        title = fields_.string(data["title"], f"{key}.title") if "title" in data else None
        signals = _parse_signal_groups(data["signals"], f"{key}.signals", fields_) if "signals" in data else None
        if len(fields_.problems) > before or part_id is None or title is None or signals is None:
            ok = False
            continue
        parts.append(Part(id=part_id, title=title, signals=signals))
    return tuple(parts) if ok else None


def _parse_levels(value: Any, fields_: _Fields) -> frozenset[Level] | None:
    allowed = ", ".join(level.value for level in Level)
    if value == "all":
        return frozenset(Level)
    if not isinstance(value, list):
        fields_.add("levels", f"应为 all 或级别列表（{allowed}），实际为{_type_name(value)}")
        return None
    if not value:
        fields_.add("levels", "不能为空列表（适用所有级别请写 all）")
        return None
    levels: set[Level] = set()
    ok = True
    for index, raw in enumerate(value):
        try:
            level = Level(raw)
        except ValueError:
            fields_.add(f"levels[{index}]", f"未知的级别 {raw!r}（可用：{allowed}）")
            ok = False
            continue
        if level in levels:
            fields_.add(f"levels[{index}]", f"重复的级别 {raw!r}")
            ok = False
        levels.add(level)
    return frozenset(levels) if ok else None


def _parse_examples(value: Any, fields_: _Fields) -> tuple[Example, ...] | None:
    data = fields_.mapping(value, "examples")
    if data is None:
        return None
    before = len(fields_.problems)
    fields_.known_keys(data, EXAMPLE_LABELS, prefix="examples.")
    examples: list[Example] = []
    for label in EXAMPLE_LABELS:
        key = f"examples.{label}"
        minimum = MIN_EXAMPLES.get(label, 0)
        raw_list = data.get(label)
        if raw_list is None:
            if minimum:
                fields_.add(key, f"缺少 {label} 示例：至少需要 {minimum} 个")
            continue
        if not isinstance(raw_list, list):
            fields_.add(key, f"应为示例列表，实际为{_type_name(raw_list)}")
            continue
        if len(raw_list) < minimum:
            fields_.add(key, f"{label} 示例不足：至少需要 {minimum} 个，实际 {len(raw_list)} 个")
        status = Status(label)
        for index, raw in enumerate(raw_list):
            example = _parse_example(raw, status, f"{key}[{index}]", fields_)
            if example is not None:
                examples.append(example)
    return tuple(examples) if len(fields_.problems) == before else None


def _parse_example(raw: Any, status: Status, key: str, fields_: _Fields) -> Example | None:
    if isinstance(raw, str):
        text = fields_.string(raw, key)
        return Example(label=status, text=text) if text is not None else None
    if not isinstance(raw, dict):
        fields_.add(key, f"应为字符串或含 text 的映射，实际为{_type_name(raw)}")
        return None
    before = len(fields_.problems)
    fields_.known_keys(raw, EXAMPLE_KEYS, prefix=f"{key}.")
    fields_.required(raw, ("text",), prefix=f"{key}.")
    text = fields_.string(raw["text"], f"{key}.text") if "text" in raw else None
    role = DEFAULT_EXAMPLE_ROLE
    if "role" in raw:
        allowed_roles = ", ".join(r.value for r in EXAMPLE_ROLES)
        try:
            role = Role(raw["role"])
            if role not in EXAMPLE_ROLES:
                raise ValueError
        except ValueError:
            fields_.add(f"{key}.role", f"未知的部分 {raw['role']!r}（可用：{allowed_roles}）")
    level = DEFAULT_EXAMPLE_LEVEL
    if "level" in raw:
        try:
            level = Level(raw["level"])
        except ValueError:
            allowed_levels = ", ".join(lv.value for lv in Level)
            fields_.add(f"{key}.level", f"未知的级别 {raw['level']!r}（可用：{allowed_levels}）")
    if len(fields_.problems) > before or text is None:
        return None
    return Example(label=status, text=text, role=role, level=level)


def _parse_item(path: Path, data: Any, kind: str, section_keys: tuple[str, ...] | None, shown: str, problems: _Problems) -> Item | None:
    """Validate one item file's content; return the Item, or None when it has problems."""
    item_label = path.stem
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        item_label = data["id"].strip()
    fields_ = _Fields(problems, f"{shown}：条目 {item_label}")
    if not isinstance(data, dict):
        fields_.add(None, f"文件内容应为映射（键: 值），实际为{_type_name(data)}")
        return None
    before = len(problems)
    fields_.known_keys(data, ITEM_KEYS)
    required = ITEM_REQUIRED + (CONTENT_ITEM_REQUIRED if kind == "content" else STRUCTURE_ITEM_REQUIRED)
    fields_.required(data, required)

    values: dict[str, Any] = {}
    for key in ("id", "title", "section", "group", "basis", "advice"):
        if key in data:
            values[key] = fields_.string(data[key], key)
    item_id = values.get("id")
    if item_id is not None:
        if not ITEM_ID_PATTERN.match(item_id):
            fields_.add("id", f"条目 id {item_id!r} 只能含小写字母、数字和下划线")
        elif item_id != path.stem:
            fields_.add("id", f"条目 id {item_id!r} 应与文件名一致（{path.stem}）")
    group = values.get("group")
    if group is not None and section_keys is not None and group not in section_keys:
        fields_.add("group", f"分组 {group!r} 不在 pack.yaml 的 sections 中（可用：{'、'.join(section_keys)}）")
    weight = fields_.number(data["weight"], "weight") if "weight" in data else None
    key_flag = fields_.boolean(data["key"], "key") if "key" in data else False
    levels = _parse_levels(data["levels"], fields_) if "levels" in data else frozenset(Level)

    signals: tuple[SignalGroup, ...] | None = ()
    if "signals" in data:
        signals = _parse_signal_groups(data["signals"], "signals", fields_)
    parts: tuple[Part, ...] | None = ()
    if "parts" in data:
        parts = _parse_parts(data["parts"], fields_)
    exemplars: tuple[str, ...] | None = ()
    if "exemplars" in data:
        exemplars = fields_.string_list(data["exemplars"], "exemplars")
        if exemplars is not None and kind == "content" and len(exemplars) < MIN_EXEMPLARS:
            fields_.add("exemplars", f"至少需要 {MIN_EXEMPLARS} 个范例句，实际 {len(exemplars)} 个")
    examples = _parse_examples(data["examples"], fields_) if "examples" in data else None

    check: str | None = None
    params: Mapping[str, Any] = MappingProxyType({})
    if kind == "content":
        for key in ("check", "params"):
            if key in data:
                fields_.add(key, "仅用于结构类规则包（kind: structure）的条目")
    else:
        if "check" in data:
            check = fields_.string(data["check"], "check")
            if check is not None and check not in STRUCTURE_CHECKS:
                close = difflib.get_close_matches(check, STRUCTURE_CHECKS, n=1, cutoff=0.6)
                hint = f"是否应为 {close[0]}？" if close else f"可用：{', '.join(STRUCTURE_CHECKS)}"
                fields_.add("check", f"未知的检查 {check!r}（{hint}）")
        if "params" in data:
            raw_params = fields_.mapping(data["params"], "params")
            if raw_params is not None:
                params = MappingProxyType(dict(raw_params))

    if len(problems) > before:
        return None
    assert item_id is not None and weight is not None and levels is not None
    assert signals is not None and parts is not None and exemplars is not None and examples is not None
    return Item(
        id=item_id,
        title=values["title"],
        section=values["section"],
        group=values["group"],
        weight=weight,
        key=bool(key_flag),
        levels=levels,
        basis=values["basis"],
        advice=values["advice"],
        signals=signals,
        parts=parts,
        exemplars=tuple(normalize_text(text) for text in exemplars),
        examples=examples,
        check=check,
        params=params,
        source_file=path,
    )


# ---------------------------------------------------------------------------------------------
# Parsing packs
# ---------------------------------------------------------------------------------------------


@dataclass
class _PackHeader:
    id: str | None = None
    title: str | None = None
    source: str | None = None
    version: str | None = None
    kind: str | None = None
    years_from: int | None = None
    years_to: int | None = None
    always: bool = False
    sections: tuple[tuple[str, str], ...] | None = None
    item_ids: tuple[str, ...] | None = None
    matching: MatchingConfig | None = None


def _parse_years(value: Any, fields_: _Fields) -> tuple[int | None, int | None] | None:
    data = fields_.mapping(value, "years")
    if data is None:
        return None
    before = len(fields_.problems)
    fields_.known_keys(data, YEARS_KEYS, prefix="years.")
    bounds: list[int | None] = []
    for key in YEARS_KEYS:
        raw = data.get(key)
        if raw is None:
            bounds.append(None)
        elif isinstance(raw, bool) or not isinstance(raw, int) or not 1949 <= raw <= 2100:
            fields_.add(f"years.{key}", f"应为年份（整数）或 null，实际为{_type_name(raw)}")
            bounds.append(None)
        else:
            bounds.append(raw)
    start, end = bounds
    if start is not None and end is not None and start > end:
        fields_.add("years", f"起始年份 {start} 晚于结束年份 {end}")
    if len(fields_.problems) > before:
        return None
    return start, end


def _parse_sections(value: Any, fields_: _Fields) -> tuple[tuple[str, str], ...] | None:
    data = fields_.mapping(value, "sections")
    if data is None:
        return None
    if not data:
        fields_.add("sections", "至少需要一个分组")
        return None
    result: list[tuple[str, str]] = []
    ok = True
    for key, title in data.items():
        if not isinstance(key, str) or not key.strip():
            fields_.add(f"sections.{key}", f"分组的键应为字符串（请加引号），实际为{_type_name(key)}")
            ok = False
            continue
        text = fields_.string(title, f"sections.{key}")
        if text is None:
            ok = False
            continue
        result.append((key.strip(), text))
    return tuple(result) if ok else None


def _parse_pack_header(pack_dir: Path, data: Any, defaults: MatchingConfig, shown: str, problems: _Problems) -> _PackHeader:
    label = pack_dir.name
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        label = data["id"].strip()
    fields_ = _Fields(problems, f"{shown}：规则包 {label}")
    header = _PackHeader()
    if not isinstance(data, dict):
        fields_.add(None, f"文件内容应为映射（键: 值），实际为{_type_name(data)}")
        return header
    fields_.known_keys(data, PACK_KEYS)
    fields_.required(data, PACK_REQUIRED)
    for key in ("id", "title", "source", "version", "kind"):
        if key in data:
            setattr(header, key, fields_.string(data[key], key))
    if header.id is not None:
        if not PACK_ID_PATTERN.match(header.id):
            fields_.add("id", f"规则包 id {header.id!r} 只能含小写字母、数字和连字符")
        elif header.id != pack_dir.name:
            fields_.add("id", f"规则包 id {header.id!r} 应与目录名一致（{pack_dir.name}）")
    if header.kind is not None and header.kind not in PACK_KINDS:
        fields_.add("kind", f"应为 {' 或 '.join(PACK_KINDS)}，实际为 {header.kind!r}")
        header.kind = None
    if "years" in data:
        years = _parse_years(data["years"], fields_)
        if years is not None:
            header.years_from, header.years_to = years
    if "always" in data:
        header.always = bool(fields_.boolean(data["always"], "always"))
    if "sections" in data:
        header.sections = _parse_sections(data["sections"], fields_)
    if "items" in data:
        # Duplicates are reported by the loader, with the files cross-check.
        ids = fields_.string_list(data["items"], "items", unique=False)
        if ids is not None:
            for index, item_id in enumerate(ids):
                if not ITEM_ID_PATTERN.match(item_id):
                    fields_.add(f"items[{index}]", f"条目 id {item_id!r} 只能含小写字母、数字和下划线")
            header.item_ids = ids
    try:
        header.matching = MatchingConfig.from_mapping(data.get("matching"), fields_.where, base=defaults)
    except RuleError as exc:
        problems.lines.append(str(exc))
    return header


def _load_pack_into(pack_dir: Path, defaults: MatchingConfig, problems: _Problems, base: Path | None) -> Pack | None:
    """Load one pack folder, recording every problem; return the Pack when it has none."""
    before = len(problems)
    pack_file = pack_dir / PACK_FILE
    shown_pack = display_path(pack_file, base)
    if not pack_file.is_file():
        problems.add(display_path(pack_dir, base), None, f"不是规则包目录：缺少 {PACK_FILE}")
        return None
    ok, data = _read_yaml(pack_file, shown_pack, problems)
    header = _parse_pack_header(pack_dir, data, defaults, shown_pack, problems) if ok else _PackHeader()
    pack_where = f"{shown_pack}：规则包 {header.id or pack_dir.name}"

    items_dir = pack_dir / ITEMS_DIR
    files: dict[str, Path] = {}
    if items_dir.is_dir():
        for path in sorted(items_dir.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            if path.suffix == ".yaml":
                files[path.stem] = path
            elif path.suffix == ".yml":
                problems.add(display_path(path, base), None, "条目文件的扩展名应为 .yaml")
    elif ok:
        problems.add(display_path(items_dir, base), None, "缺少条目目录 items/")

    listed = header.item_ids or ()
    if header.item_ids is not None:
        seen: set[str] = set()
        for index, item_id in enumerate(listed):
            if item_id in seen:
                problems.add(pack_where, f"items[{index}]", f"条目 {item_id} 重复列出")
            seen.add(item_id)
            if item_id not in files and ITEM_ID_PATTERN.match(item_id):
                problems.add(pack_where, f"items[{index}]", f"条目 {item_id} 没有对应的文件 {ITEMS_DIR}/{item_id}.yaml")
        for stem in files:
            if stem not in seen:
                problems.add(pack_where, "items", f"条目文件 {ITEMS_DIR}/{stem}.yaml 未列入 items")

    kind = header.kind or "content"
    parsed: dict[str, Item] = {}
    ids_seen: dict[str, str] = {}
    # Listed items first (display order), then unlisted files (their problems are reported too).
    order = [stem for stem in dict.fromkeys(listed) if stem in files] + [stem for stem in files if stem not in listed]
    for stem in order:
        path = files[stem]
        shown_item = display_path(path, base)
        ok_item, item_data = _read_yaml(path, shown_item, problems)
        if not ok_item:
            continue
        item = _parse_item(path, item_data, kind, tuple(k for k, _ in header.sections) if header.sections else None, shown_item, problems)
        if item is None:
            continue
        if item.id in ids_seen:
            problems.add(f"{shown_item}：条目 {item.id}", "id", f"与 {ids_seen[item.id]} 的条目 id 重复")
            continue
        ids_seen[item.id] = shown_item
        parsed[item.id] = item

    if len(problems) > before:
        return None
    total = sum(item.weight for item in parsed.values())
    if abs(total - 100) > 0.01:
        problems.add(pack_where, "items", f"条目权重之和应为 100，实际为 {total:g}")
        return None
    assert header.id and header.title and header.source and header.version and header.kind
    assert header.sections is not None and header.matching is not None
    return Pack(
        id=header.id,
        title=header.title,
        source=header.source,
        version=header.version,
        kind=header.kind,
        years_from=header.years_from,
        years_to=header.years_to,
        always=header.always,
        sections=header.sections,
        items=tuple(parsed[item_id] for item_id in listed),
        matching=header.matching,
        path=pack_dir,
    )


# ---------------------------------------------------------------------------------------------
# Public loading API
# ---------------------------------------------------------------------------------------------


def builtin_rules_dir() -> Path:
    """The packs shipped with the tool: ``scorer/packs`` in a wheel, ``<repo>/rules`` in a checkout."""
    package_dir = Path(scorer.__file__).resolve().parent
    wheel_dir = package_dir / "packs"
    if wheel_dir.is_dir():
        return wheel_dir
    return package_dir.parent / "rules"


def is_pack_dir(path: Path) -> bool:
    return (path / PACK_FILE).is_file()


def _defaults_into(rules_dir: Path | None, problems: _Problems) -> MatchingConfig:
    candidates = [rules_dir / DEFAULTS_FILE] if rules_dir is not None else []
    candidates.append(builtin_rules_dir() / DEFAULTS_FILE)
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        return MatchingConfig()
    shown = display_path(path, (rules_dir or builtin_rules_dir()).parent)
    ok, data = _read_yaml(path, shown, problems)
    if not ok:
        return MatchingConfig()
    if data is None:
        return MatchingConfig()
    fields_ = _Fields(problems, f"{shown}：默认阈值")
    if not isinstance(data, dict):
        fields_.add(None, f"文件内容应为映射（键: 值），实际为{_type_name(data)}")
        return MatchingConfig()
    fields_.known_keys(data, DEFAULTS_KEYS)
    try:
        return MatchingConfig.from_mapping(data.get("matching"), fields_.where)
    except RuleError as exc:
        problems.lines.append(str(exc))
        return MatchingConfig()


def load_defaults(rules_dir: Path | None = None) -> MatchingConfig:
    """``matching`` of ``defaults.yaml`` in ``rules_dir`` (else the built-in one) over the code defaults."""
    problems = _Problems()
    config = _defaults_into(rules_dir, problems)
    problems.raise_if_any()
    return config


def load_pack(pack_dir: Path, defaults: MatchingConfig | None = None) -> Pack:
    """Load and validate one pack folder; raise RuleError listing every problem.

    ``defaults`` are the thresholds the pack's ``matching`` overlays; None reads ``defaults.yaml`` from
    the pack's parent folder (else the built-in one).
    """
    pack_dir = Path(pack_dir)
    problems = _Problems()
    if defaults is None:
        defaults = _defaults_into(pack_dir.parent, problems)
    pack = _load_pack_into(pack_dir, defaults, problems, pack_dir.parent.parent)
    problems.raise_if_any()
    assert pack is not None
    return pack


def _pack_dirs(rules_dir: Path) -> list[Path]:
    return [
        child
        for child in sorted(rules_dir.iterdir())
        if child.is_dir() and child.name != SCHEMA_DIR_NAME and not child.name.startswith((".", "_")) and is_pack_dir(child)
    ]


def _load_packs_uncached(rules_dir: Path) -> dict[str, Pack]:
    if not rules_dir.is_dir():
        raise RuleError(f"规则目录不存在：{display_path(rules_dir)}")
    problems = _Problems()
    defaults = _defaults_into(rules_dir, problems)
    pack_dirs = _pack_dirs(rules_dir)
    if not pack_dirs:
        problems.raise_if_any()
        raise RuleError(f"规则目录 {display_path(rules_dir)} 中没有规则包（含 {PACK_FILE} 的子目录）")
    packs: dict[str, Pack] = {}
    for pack_dir in pack_dirs:
        pack = _load_pack_into(pack_dir, defaults, problems, rules_dir.parent)
        if pack is not None:
            packs[pack.id] = pack
    problems.raise_if_any()
    return packs


@functools.lru_cache(maxsize=1)
def _load_builtin_packs() -> tuple[tuple[str, Pack], ...]:
    return tuple(_load_packs_uncached(builtin_rules_dir()).items())


def load_packs(rules_dir: Path | None = None) -> dict[str, Pack]:
    """Every pack of a rules folder (sub-folders with pack.yaml), by id in folder order.

    ``None`` loads the built-in packs, once per process. A folder that is itself a pack is loaded as
    a one-pack set.
    """
    if rules_dir is None:
        return dict(_load_builtin_packs())
    rules_dir = Path(rules_dir)
    if is_pack_dir(rules_dir):
        pack = load_pack(rules_dir)
        return {pack.id: pack}
    return _load_packs_uncached(rules_dir)


def clear_cache() -> None:
    """Forget the cached built-in packs (for tests that change them)."""
    _load_builtin_packs.cache_clear()
