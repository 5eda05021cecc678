"""The project configuration ``.fzscore.yaml``, the effective settings of a run, and the check verdict.

A drafting team keeps ``.fzscore.yaml`` next to its report (or higher up): the nearest one walking
up from the report's folder to the filesystem root wins; ``--config F`` names one explicitly.
Command-line flags override the file, the file overrides the defaults, and every effective
setting remembers where it came from (``fzscore config --print``).

Example::

    fail_under: 80          # minimum score (0-100)
    fail_on: key            # key | missing | never
    pack: auto              # or a pack id; or ``packs: [gangyao-2021, report-structure]``
    format: github          # text | github | markdown | json (for ``fzscore check``)
    matching:               # threshold overrides (see scorer/rules/thresholds.py)
      min_similarity: 0.35
    copy_detection:         # ``fzscore batch``
      paragraph_similarity: 0.85
      flag_similarity: 0.3
    compare:                # ``fzscore compare`` and year pairs in ``fzscore batch``
      problem_similarity: 0.6
      plan_similarity: 0.5
      paragraph_similarity: 0.85
    waivers:
      - item: legislation                 # or pack:item, e.g. gangyao-2021:legislation
        reason: 本县无地方立法权
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from scorer.errors import ConfigError, FzError, read_user_file
from scorer.model import (
    DEFAULT_COMPARE,
    DEFAULT_COPY_DETECTION,
    STATUS_LABELS,
    CheckOutcome,
    ItemResult,
    Scorecard,
    Status,
    waived_items,
)
from scorer.rules.thresholds import MatchingConfig

CONFIG_FILENAME = ".fzscore.yaml"
FAIL_ON_CHOICES = ("key", "missing", "never")
FORMAT_CHOICES = ("text", "github", "markdown", "json")
COPY_DETECTION_KEYS = ("paragraph_similarity", "flag_similarity")
COMPARE_KEYS = ("problem_similarity", "plan_similarity", "paragraph_similarity")
TOP_LEVEL_KEYS = ("fail_under", "fail_on", "pack", "packs", "format", "matching", "copy_detection", "compare", "waivers")
WAIVER_KEYS = ("item", "reason")

SOURCE_DEFAULT = "默认值"
SOURCE_COMMAND_LINE = "命令行"

DEFAULT_FAIL_UNDER = 80.0
DEFAULT_FAIL_ON = "key"
DEFAULT_PACK = "auto"
DEFAULT_FORMAT = "text"

_ITEM_SPEC = re.compile(r"^(?:[a-z0-9][a-z0-9-]*:)?[a-z0-9_]+$")


@dataclass(frozen=True)
class ProjectConfig:
    """What one ``.fzscore.yaml`` says; ``None`` = not given in the file."""

    path: str | None = None  # the file; None when no file was found
    fail_under: float | None = None
    fail_on: str | None = None
    pack: str | None = None  # "auto", a pack id, or comma-joined ids (from ``packs``)
    format: str | None = None
    matching: Mapping[str, Any] | None = None  # validated threshold overrides
    copy_detection: Mapping[str, float] | None = None
    compare: Mapping[str, float] | None = None
    waivers: tuple[tuple[str, str], ...] | None = None  # (item, reason)


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # SOURCE_DEFAULT, the config file path, or SOURCE_COMMAND_LINE

    @property
    def explicit(self) -> bool:
        """True when the user chose this value (file or command line), not the built-in default."""
        return self.source != SOURCE_DEFAULT


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings a run uses, each with its origin."""

    config_path: str | None
    fail_under: Setting
    fail_on: Setting
    pack: Setting
    format: Setting
    matching: Setting  # dict of overrides ({} = the packs' own thresholds)
    copy_detection: Setting  # dict: paragraph_similarity, flag_similarity
    compare: Setting  # dict: problem_similarity, plan_similarity, paragraph_similarity
    waivers: Setting  # tuple of (item, reason)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``fzscore config --print`` (YAML/JSON), in a stable order."""
        settings: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "config_path":
                continue
            setting: Setting = getattr(self, f.name)
            value = setting.value
            if f.name == "waivers":
                value = [{"item": item, "reason": reason} for item, reason in value]
            elif isinstance(value, Mapping):
                value = dict(sorted(value.items()))
            settings[f.name] = {"value": value, "source": setting.source}
        return {"config_file": self.config_path, "settings": settings}


# ---------------------------------------------------------------------------------------------
# Finding and loading the file
# ---------------------------------------------------------------------------------------------


def find_config(start: str | Path) -> Path | None:
    """The first ``.fzscore.yaml`` in ``start`` (a folder, or a file's folder) or any parent."""
    here = Path(start).expanduser()
    try:
        here = here.resolve()
    except OSError:
        here = here.absolute()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILENAME
        if candidate.is_file():
            return candidate
    return None


def _did_you_mean(key: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    return f"，是否想写 {close[0]}？" if close else f"（可用：{', '.join(choices)}）"


def _number(where: str, key: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where}，键 {key}：应为数值，实际为 {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{where}，键 {key}：应在 {low:g} 到 {high:g} 之间，实际为 {value!r}")
    return float(value)


def _choice(where: str, key: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(f"{where}，键 {key}：应为 {' | '.join(choices)} 之一，实际为 {value!r}")
    return value


def _pack_id(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}，键 {key}：应为规则包 id（如 gangyao-2021）或 auto，实际为 {value!r}")
    return value.strip()


def parse_waivers(where: str, value: Any) -> tuple[tuple[str, str], ...]:
    """Validate the ``waivers`` list: each entry ``{item: ID or pack:ID, reason: non-empty}``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{where}，键 waivers：应为列表（每项含 item 与 reason），实际为 {type(value).__name__}")
    waivers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        here = f"{where}，键 waivers[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{here}：应为映射（item: …, reason: …），实际为 {entry!r}")
        for key in entry:
            if key not in WAIVER_KEYS:
                raise ConfigError(f"{here}.{key}：未知的键{_did_you_mean(str(key), WAIVER_KEYS)}")
        item = entry.get("item")
        if not isinstance(item, str) or not _ITEM_SPEC.match(item.strip()):
            raise ConfigError(f"{here}.item：应为条目 id 或 规则包:条目 id（如 gangyao-2021:legislation），实际为 {item!r}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(f"{here}.reason：每项豁免必须写明理由（非空文字）")
        item = item.strip()
        if item in seen:
            raise ConfigError(f"{here}.item：重复的豁免 {item}")
        seen.add(item)
        waivers.append((item, reason.strip()))
    return tuple(waivers)


def parse_matching(where: str, value: Any) -> dict[str, Any]:
    """Validate ``matching`` overrides with the same rules as the packs' thresholds."""
    if value is None:
        return {}
    try:
        MatchingConfig.from_mapping(value, where)
    except FzError as exc:  # RuleError there; here it is the user's configuration
        raise ConfigError(str(exc)) from None
    return dict(value)


def _parse_thresholds(where: str, section: str, value: Any, keys: Sequence[str]) -> dict[str, float]:
    """A mapping of thresholds in (0, 1] under ``section``; unknown keys are errors."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}，键 {section}：应为映射，实际为 {type(value).__name__}")
    result: dict[str, float] = {}
    for key, number in value.items():
        if key not in keys:
            raise ConfigError(f"{where}，键 {section}.{key}：未知的键{_did_you_mean(str(key), keys)}")
        result[key] = _number(where, f"{section}.{key}", number, 0.0, 1.0)
        if result[key] == 0.0:
            raise ConfigError(f"{where}，键 {section}.{key}：应大于 0")
    return result


def parse_copy_detection(where: str, value: Any) -> dict[str, float]:
    return _parse_thresholds(where, "copy_detection", value, COPY_DETECTION_KEYS)


def parse_compare(where: str, value: Any) -> dict[str, float]:
    return _parse_thresholds(where, "compare", value, COMPARE_KEYS)


def parse_config(data: Any, path: str) -> ProjectConfig:
    """Validate the loaded YAML of ``path``; every problem names the file and the key."""
    where = f"配置文件 {path}"
    if data is None:
        return ProjectConfig(path=path)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}：顶层应为映射（键: 值），实际为 {type(data).__name__}")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(f"{where}，键 {key}：未知的键{_did_you_mean(str(key), TOP_LEVEL_KEYS)}")
    if "pack" in data and "packs" in data:
        raise ConfigError(f"{where}，键 packs：pack 与 packs 只能写一个")
    pack = None
    if "pack" in data:
        pack = _pack_id(where, "pack", data["pack"])
    elif "packs" in data:
        packs = data["packs"]
        if isinstance(packs, str):
            packs = [packs]
        if not isinstance(packs, list) or not packs:
            raise ConfigError(f"{where}，键 packs：应为规则包 id 的非空列表，实际为 {data['packs']!r}")
        pack = ",".join(_pack_id(where, f"packs[{i}]", p) for i, p in enumerate(packs))
    return ProjectConfig(
        path=path,
        fail_under=_number(where, "fail_under", data["fail_under"], 0, 100) if "fail_under" in data else None,
        fail_on=_choice(where, "fail_on", data["fail_on"], FAIL_ON_CHOICES) if "fail_on" in data else None,
        pack=pack,
        format=_choice(where, "format", data["format"], FORMAT_CHOICES) if "format" in data else None,
        matching=parse_matching(where, data["matching"]) if "matching" in data else None,
        copy_detection=parse_copy_detection(where, data["copy_detection"]) if "copy_detection" in data else None,
        compare=parse_compare(where, data["compare"]) if "compare" in data else None,
        waivers=parse_waivers(where, data["waivers"]) if "waivers" in data else None,
    )


def load_config(path: str | Path) -> ProjectConfig:
    """Read and validate one config file (ConfigError, exit 2, on any problem)."""
    shown = str(path)
    try:
        raw = read_user_file(path, "配置文件", ConfigError).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {shown} 不是 UTF-8 编码的文本") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        at = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
        raise ConfigError(f"配置文件 {shown} 不是有效的 YAML{('（' + at + '）') if at else ''}：{problem}") from None
    return parse_config(data, shown)


def resolve_config(report: str | Path | None, explicit: str | Path | None) -> ProjectConfig:
    """``--config F`` if given, else the nearest ``.fzscore.yaml`` above ``report`` (or the cwd)."""
    if explicit is not None:
        return load_config(explicit)
    found = find_config(report if report is not None else Path.cwd())
    return load_config(found) if found is not None else ProjectConfig()


# ---------------------------------------------------------------------------------------------
# Effective settings
# ---------------------------------------------------------------------------------------------


def _layer(default: Any, file_value: Any, file_source: str | None, cli_value: Any) -> Setting:
    if cli_value is not None:
        return Setting(cli_value, SOURCE_COMMAND_LINE)
    if file_value is not None:
        return Setting(file_value, file_source or SOURCE_DEFAULT)
    return Setting(default, SOURCE_DEFAULT)


def effective_settings(
    config: ProjectConfig,
    *,
    fail_under: float | None = None,
    fail_on: str | None = None,
    pack: str | None = None,
    format: str | None = None,  # noqa: A002 - mirrors the option name
    paragraph_similarity: float | None = None,
    flag_similarity: float | None = None,
) -> EffectiveSettings:
    """Defaults < the config file < command-line values (``None`` = flag not given)."""
    source = config.path
    copy_values = {**DEFAULT_COPY_DETECTION, **(config.copy_detection or {})}
    copy_source = source if config.copy_detection else SOURCE_DEFAULT
    for key, value in (("paragraph_similarity", paragraph_similarity), ("flag_similarity", flag_similarity)):
        if value is not None:
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"命令行参数 --{key.replace('_', '-')}：应在 (0, 1] 之间，实际为 {value!r}")
            copy_values[key] = float(value)
            copy_source = SOURCE_COMMAND_LINE if copy_source == SOURCE_DEFAULT else f"{copy_source} + {SOURCE_COMMAND_LINE}"
    if fail_under is not None and not 0.0 <= fail_under <= 100.0:
        raise ConfigError(f"命令行参数 --fail-under：应在 0 到 100 之间，实际为 {fail_under:g}")
    return EffectiveSettings(
        config_path=config.path,
        fail_under=_layer(DEFAULT_FAIL_UNDER, config.fail_under, source, fail_under),
        fail_on=_layer(DEFAULT_FAIL_ON, config.fail_on, source, fail_on),
        pack=_layer(DEFAULT_PACK, config.pack, source, pack),
        format=_layer(DEFAULT_FORMAT, config.format, source, format),
        matching=_layer({}, config.matching, source, None),
        copy_detection=Setting(copy_values, copy_source),
        compare=Setting({**DEFAULT_COMPARE, **(config.compare or {})}, source if config.compare else SOURCE_DEFAULT),
        waivers=_layer((), config.waivers, source, None),
    )


# ---------------------------------------------------------------------------------------------
# The verdict of `fzscore check`
# ---------------------------------------------------------------------------------------------


def evaluate_check(
    scorecard: Scorecard,
    settings: EffectiveSettings,
    *,
    regressed: bool = False,
    fail_on_regression: bool = False,
) -> CheckOutcome:
    """Apply the thresholds.

    Without ``--fail-on-regression``: fail when the score is below ``fail_under``, or by
    ``fail_on`` — ``key``: a key item is not covered (partial or missing); ``missing``: that, or
    any applicable item is missing; ``never``: items never fail the check. Waived items never count.
    With ``--fail-on-regression``: fail when something regressed against the baseline; the score
    threshold and the item rule still apply, but only when set explicitly (command line or config
    file), never by their built-in defaults.
    """
    waived = waived_items(scorecard)
    use_threshold = settings.fail_under.explicit or not fail_on_regression
    use_items = settings.fail_on.explicit or not fail_on_regression
    fail_under = float(settings.fail_under.value) if use_threshold else None
    fail_on = str(settings.fail_on.value) if use_items else "never"

    def name(item: ItemResult) -> str:
        return f"{item.pack}:{item.id}"

    key_failures: tuple[ItemResult, ...] = ()
    missing_failures: tuple[ItemResult, ...] = ()
    if fail_on in ("key", "missing"):
        key_failures = tuple(
            i for i in scorecard.items if i.key and i.status in (Status.PARTIAL, Status.MISSING) and name(i) not in waived
        )
    if fail_on == "missing":
        missing_failures = tuple(
            i for i in scorecard.items if i.status is Status.MISSING and not i.key and name(i) not in waived
        )
    reasons: list[str] = []
    # Compare on the displayed precision so "79.96 shown as 80.0" cannot fail an 80 threshold.
    if fail_under is not None and round(scorecard.score, 1) < fail_under:
        reasons.append(f"得分 {scorecard.score:.1f} 低于门槛 {fail_under:g}")
    if key_failures:
        reasons.append("关键项未覆盖：" + "；".join(f"{i.title}（{name(i)}，{_STATUS_WORD[i.status]}）" for i in key_failures))
    if missing_failures:
        reasons.append("缺失条目：" + "；".join(f"{i.title}（{name(i)}）" for i in missing_failures))
    if fail_on_regression and regressed:
        reasons.append("与基线相比有退步（见“回归”部分）")
    return CheckOutcome(
        passed=not reasons,
        score=scorecard.score,
        fail_under=fail_under,
        fail_on=fail_on,
        key_failures=key_failures,
        missing_failures=missing_failures,
        regressed=regressed,
        fail_on_regression=fail_on_regression,
        reasons=tuple(reasons),
    )


_STATUS_WORD = STATUS_LABELS


def load_effective_config(report: str | Path | None, explicit: str | Path | None) -> dict[str, Any]:
    """What ``fzscore score`` needs from the project config: pack, waivers, matching (None = unset)."""
    config = resolve_config(report, explicit)
    return {
        "pack": config.pack,
        "waivers": config.waivers or (),
        "matching": dict(config.matching) if config.matching else None,
        "path": config.path,
    }
