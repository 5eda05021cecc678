"""Project config (.fzscore.yaml): discovery, validation, precedence, and the check verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import pytest
import yaml
from corpus_paths import EXAMPLES_DIR

from scorer.cli import main
from scorer.config import (
    CONFIG_FILENAME,
    SOURCE_COMMAND_LINE,
    SOURCE_DEFAULT,
    ProjectConfig,
    effective_settings,
    evaluate_check,
    find_config,
    load_config,
    resolve_config,
)
from scorer.errors import ConfigError
from scorer.judge.scorecard import match_waivers
from scorer.model import (
    Document,
    Evidence,
    ItemResult,
    Level,
    Metadata,
    PackInfo,
    Role,
    Scorecard,
    SourceInfo,
    Status,
)

# ---------------------------------------------------------------------------------------------
# A small hand-built Scorecard (also imported by the baseline and renderer tests)
# ---------------------------------------------------------------------------------------------


def make_item(
    item_id: str,
    status: Status,
    *,
    key: bool = False,
    pack: str = "gangyao-2021",
    weight: float = 5.0,
    title: str | None = None,
    evidence: Sequence[Evidence] = (),
    reason: str = "判定理由",
    advice: str = "应补充的内容",
) -> ItemResult:
    earned = {Status.COVERED: weight, Status.PARTIAL: weight / 2}.get(status, 0.0)
    return ItemResult(
        pack=pack,
        id=item_id,
        title=title or f"条目{item_id}",
        section="五（十五）",
        group="五",
        status=status,
        score=earned,
        weight=weight,
        key=key,
        evidence=tuple(evidence),
        reason=reason,
        advice=advice,
        basis="《纲要》",
    )


def evidence_for(text: str, snippet: str) -> Evidence:
    start = text.index(snippet)
    return Evidence(start=start, end=start + len(snippet), text=snippet, section="一、", role=Role.ACHIEVEMENTS)


def make_card(
    items: Sequence[ItemResult],
    *,
    text: str = "某县2023年法治政府建设情况报告\n一、主要举措和成效\n全年办理行政复议案件12件。",
    waivers: Sequence[tuple[str, str]] = (),
    score: float | None = None,
    path: str = "report.txt",
    title: str | None = "某县2023年法治政府建设情况报告",
    warnings: Sequence[str] = (),
) -> Scorecard:
    document = Document(
        source=SourceInfo(path=path, format="txt", sha256="0" * 64, size=len(text.encode())),
        text=text,
        meta=Metadata(title=title, jurisdiction="某县", level=Level.COUNTY, year=2023),
    )
    resolved = match_waivers(waivers, items)
    waived = {m for w in resolved for m in w.matched}
    applicable = [i for i in items if i.status is not Status.NOT_APPLICABLE]
    if score is None:
        weight = sum(i.weight for i in applicable)
        score = round(100 * sum(i.score for i in applicable) / weight, 1) if weight else 0.0
    return Scorecard(
        schema_version="1.0",
        document=document,
        packs=tuple(PackInfo(p, p, "1", score) for p in dict.fromkeys(i.pack for i in items)),
        items=tuple(items),
        subtotals=(),
        score=score,
        grade="合格",
        key_not_covered=tuple(
            f"{i.pack}:{i.id}" for i in items if i.key and i.status in (Status.PARTIAL, Status.MISSING) and f"{i.pack}:{i.id}" not in waived
        ),
        warnings=tuple(warnings),
        waivers=resolved,
    )


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------------------


def test_find_config_walks_up_and_nearest_wins(tmp_path):
    outer = write(tmp_path / CONFIG_FILENAME, "fail_under: 60\n")
    inner = write(tmp_path / "a" / CONFIG_FILENAME, "fail_under: 70\n")
    report = write(tmp_path / "a" / "b" / "c" / "report.txt", "x")
    assert find_config(report) == inner.resolve()
    assert find_config(tmp_path / "a" / "b") == inner.resolve()
    assert find_config(tmp_path) == outer.resolve()
    assert resolve_config(report, None).fail_under == 70
    # --config overrides the search.
    assert resolve_config(report, outer).fail_under == 60


def test_no_config_found_means_defaults(tmp_path, monkeypatch):
    report = write(tmp_path / "r.txt", "x")
    monkeypatch.setattr("scorer.config.find_config", lambda start: None)
    config = resolve_config(report, None)
    assert config == ProjectConfig()
    settings = effective_settings(config)
    assert settings.fail_under.value == 80 and settings.fail_under.source == SOURCE_DEFAULT
    assert settings.fail_on.value == "key" and settings.pack.value == "auto"


def test_example_config_is_valid():
    config = load_config(EXAMPLES_DIR / CONFIG_FILENAME)
    assert config.waivers and all(reason for _, reason in config.waivers)


def test_full_config_parses(tmp_path):
    path = write(
        tmp_path / CONFIG_FILENAME,
        """
fail_under: 75
fail_on: missing
packs: [gangyao-2021, report-structure]
format: github
matching: {min_similarity: 0.35, max_evidence: 2}
copy_detection: {flag_similarity: 0.5}
waivers:
  - item: legislation
    reason: 本县无地方立法权
  - item: report-structure:rs_title
    reason: 标题由上级统一规定
""",
    )
    config = load_config(path)
    assert config.fail_under == 75.0 and config.fail_on == "missing" and config.format == "github"
    assert config.pack == "gangyao-2021,report-structure"
    assert config.matching == {"min_similarity": 0.35, "max_evidence": 2}
    assert config.copy_detection == {"flag_similarity": 0.5}
    assert config.waivers == (("legislation", "本县无地方立法权"), ("report-structure:rs_title", "标题由上级统一规定"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("fail_undr: 3\n", ["键 fail_undr", "fail_under"]),  # did-you-mean
        ("colour: red\n", ["键 colour", "可用"]),
        ("fail_under: 130\n", ["键 fail_under", "0 到 100"]),
        ("fail_under: high\n", ["键 fail_under", "数值"]),
        ("fail_on: sometimes\n", ["键 fail_on", "key | missing | never"]),
        ("format: pdf\n", ["键 format"]),
        ("pack: auto\npacks: [x]\n", ["packs", "只能写一个"]),
        ("packs: []\n", ["键 packs"]),
        ("matching: {min_simlarity: 0.3}\n", ["matching.min_simlarity"]),
        ("matching: {min_similarity: -1}\n", ["matching.min_similarity"]),
        ("copy_detection: {flag: 0.3}\n", ["copy_detection.flag", "flag_similarity"]),
        ("copy_detection: {flag_similarity: 2}\n", ["copy_detection.flag_similarity"]),
        ("waivers: {item: x}\n", ["键 waivers", "列表"]),
        ("waivers:\n  - item: legislation\n", ["waivers[0].reason", "理由"]),
        ("waivers:\n  - item: legislation\n    reason: '  '\n", ["waivers[0].reason"]),
        ("waivers:\n  - item: Legislation!\n    reason: r\n", ["waivers[0].item"]),
        ("waivers:\n  - item: a\n    reason: r\n    resaon: s\n", ["waivers[0].resaon", "reason"]),
        ("waivers:\n  - {item: a, reason: r}\n  - {item: a, reason: s}\n", ["waivers[1].item", "重复"]),
        ("- just\n- a list\n", ["顶层"]),
        ("fail_under: [1\n", ["不是有效的 YAML", "第 "]),
    ],
)
def test_config_errors_name_file_and_key(tmp_path, content, expected):
    path = write(tmp_path / CONFIG_FILENAME, content)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="不存在"):
        resolve_config(None, tmp_path / "nope.yaml")


def test_empty_config_file_is_fine(tmp_path):
    assert load_config(write(tmp_path / CONFIG_FILENAME, "# nothing yet\n")).fail_under is None


# ---------------------------------------------------------------------------------------------
# Precedence and sources
# ---------------------------------------------------------------------------------------------


def test_command_line_overrides_file_overrides_default(tmp_path):
    path = write(tmp_path / CONFIG_FILENAME, "fail_under: 70\nfail_on: missing\n")
    config = load_config(path)
    settings = effective_settings(config, fail_on="never", paragraph_similarity=0.9)
    assert (settings.fail_under.value, settings.fail_under.source) == (70.0, str(path))
    assert (settings.fail_on.value, settings.fail_on.source) == ("never", SOURCE_COMMAND_LINE)
    assert (settings.format.value, settings.format.source) == ("text", SOURCE_DEFAULT)
    assert settings.copy_detection.value == {"paragraph_similarity": 0.9, "flag_similarity": 0.3}
    assert settings.copy_detection.source == SOURCE_COMMAND_LINE
    assert settings.fail_under.explicit and not settings.format.explicit


def test_command_line_values_are_validated():
    with pytest.raises(ConfigError, match="--fail-under"):
        effective_settings(ProjectConfig(), fail_under=101)
    with pytest.raises(ConfigError, match="--flag-similarity"):
        effective_settings(ProjectConfig(), flag_similarity=0)


def test_config_print_shows_sources(tmp_path, capsys):
    path = write(tmp_path / CONFIG_FILENAME, "fail_under: 70\nwaivers:\n  - {item: legislation, reason: 无立法权}\n")
    report = write(tmp_path / "sub" / "r.txt", "x")
    assert main(["config", "--print", str(report), "--fail-on", "missing"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["config_file"] == str(path.resolve())
    settings = data["settings"]
    assert settings["fail_under"] == {"value": 70.0, "source": str(path.resolve())}
    assert settings["fail_on"] == {"value": "missing", "source": SOURCE_COMMAND_LINE}
    assert settings["format"] == {"value": "text", "source": SOURCE_DEFAULT}
    assert settings["waivers"]["value"] == [{"item": "legislation", "reason": "无立法权"}]

    assert main(["config", "--print", "--config", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["settings"]["fail_under"]["value"] == 70.0


def test_config_print_broken_file_exits_2(tmp_path, capsys):
    path = write(tmp_path / "bad.yaml", "fail_on: always\n")
    assert main(["config", "--print", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "fzscore: 错误：" in err and str(path) in err and "fail_on" in err


# ---------------------------------------------------------------------------------------------
# The verdict
# ---------------------------------------------------------------------------------------------


def _settings(**cli) -> object:
    return effective_settings(ProjectConfig(), **cli)


def test_verdict_threshold_and_key_items():
    card = make_card(
        [make_item("a", Status.COVERED), make_item("k", Status.PARTIAL, key=True), make_item("b", Status.MISSING)]
    )
    outcome = evaluate_check(card, _settings(fail_under=0))
    assert not outcome.passed and [i.id for i in outcome.key_failures] == ["k"]
    assert any("关键项未覆盖" in r for r in outcome.reasons)

    outcome = evaluate_check(card, _settings(fail_under=0, fail_on="never"))
    assert outcome.passed and outcome.reasons == ()

    outcome = evaluate_check(card, _settings(fail_under=card.score + 1, fail_on="never"))
    assert not outcome.passed and "低于门槛" in outcome.reasons[0]

    outcome = evaluate_check(card, _settings(fail_under=0, fail_on="missing"))
    assert [i.id for i in outcome.missing_failures] == ["b"] and [i.id for i in outcome.key_failures] == ["k"]


def test_threshold_compares_displayed_score():
    card = make_card([make_item("a", Status.COVERED)], score=79.96)
    assert evaluate_check(card, _settings(fail_under=80, fail_on="never")).passed
    card = make_card([make_item("a", Status.COVERED)], score=79.94)
    assert not evaluate_check(card, _settings(fail_under=80, fail_on="never")).passed


def test_waived_items_never_fail():
    items = [make_item("k", Status.MISSING, key=True), make_item("b", Status.MISSING)]
    card = make_card(items, waivers=[("gangyao-2021:k", "上级统一部署"), ("b", "不适用于本单位")])
    outcome = evaluate_check(card, _settings(fail_under=0, fail_on="missing"))
    assert outcome.passed, outcome.reasons


def test_fail_on_regression_drops_default_thresholds_only(tmp_path):
    card = make_card([make_item("k", Status.MISSING, key=True)], score=10)
    # Defaults (80, key) would fail this card; with --fail-on-regression only a regression does.
    assert evaluate_check(card, _settings(), fail_on_regression=True).passed
    outcome = evaluate_check(card, _settings(), regressed=True, fail_on_regression=True)
    assert not outcome.passed and outcome.fail_under is None and outcome.fail_on == "never"
    # Explicit thresholds still apply, from the command line or from the config file.
    assert not evaluate_check(card, _settings(fail_under=50), fail_on_regression=True).passed
    config = load_config(write(tmp_path / CONFIG_FILENAME, "fail_on: key\n"))
    assert not evaluate_check(card, effective_settings(config), fail_on_regression=True).passed
    # Without the flag a regression alone does not fail.
    assert evaluate_check(card, _settings(fail_under=0, fail_on="never"), regressed=True).passed
