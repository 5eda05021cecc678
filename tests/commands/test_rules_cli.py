"""`fzscore rules list|show|validate|test` on fixture packs and on the built-in packs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from corpus_paths import FIXTURES_DIR, REPO_ROOT

from scorer.audit import rule_examples
from scorer.cli import main
from scorer.model import Level, Status

FIXTURES = FIXTURES_DIR
RULES_OK = FIXTURES / "rules_ok"
RULES_BAD = FIXTURES / "rules_bad"
BUILTIN_ITEM = REPO_ROOT / "rules" / "gangyao-2021" / "items" / "three_enforcement_systems.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------


def test_validate_broken_pack_in_a_subprocess_exits_2_without_traceback():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("FZSCORE_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "scorer", "rules", "validate", "tests/fixtures/rules_bad/unknown_key"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert result.stderr.startswith("fzscore: 错误：规则校验发现 2 个问题：")
    assert "tests/fixtures/rules_bad/unknown_key/tiny/items/three_systems.yaml：条目 three_systems，键 adivce" in result.stderr


@pytest.mark.parametrize("case", sorted(path.name for path in RULES_BAD.iterdir() if path.is_dir()))
def test_validate_every_broken_fixture_exits_2_naming_the_file(capsys, case):
    code, out, err = run(capsys, "rules", "validate", str(RULES_BAD / case))
    assert code == 2 and out == ""
    assert err.startswith("fzscore: 错误：规则校验发现 ")
    assert f"rules_bad/{case}/tiny/" in err
    assert "Traceback" not in err and "内部错误" not in err


def test_validate_good_rules_folder_and_single_pack(capsys):
    code, out, err = run(capsys, "rules", "validate", str(RULES_OK))
    assert code == 0 and out == ""
    assert err.startswith("规则校验通过：3 个规则包（tiny、tiny-old、tiny-structure），4 个条目，21 个示例")
    code, _out, err = run(capsys, "rules", "validate", str(RULES_OK / "tiny"))
    assert code == 0 and "规则校验通过：1 个规则包（tiny），2 个条目" in err


def test_validate_missing_folder(capsys, tmp_path):
    code, _out, err = run(capsys, "rules", "validate", str(tmp_path / "nope"))
    assert code == 2 and "规则目录不存在" in err


# ---------------------------------------------------------------------------------------------
# list / show
# ---------------------------------------------------------------------------------------------


def test_list_packs_and_items(capsys):
    code, out, _err = run(capsys, "rules", "list", "--rules", str(RULES_OK))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "tiny  测试纲要（2021年起）  版本 1.0  适用年度 2021–  2 个条目  总权重 100"
    assert len(lines) == 3 and lines[2].startswith("tiny-structure") and "始终适用" in lines[2]
    code, out, _err = run(capsys, "rules", "list", "--rules", str(RULES_OK), "-v")
    item_lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(item_lines) == 4
    assert "three_systems" in item_lines[0] and "权重   60" in item_lines[0] and "关键" in item_lines[0]
    assert "open_gov" in item_lines[1] and "级别 县级、乡镇（街道）" in item_lines[1] and "关键" not in item_lines[1]


@pytest.mark.parametrize("reference", ["three_systems", "tiny:three_systems"])
def test_show_item(capsys, reference):
    code, out, _err = run(capsys, "rules", "show", reference, "--rules", str(RULES_OK))
    assert code == 0
    for expected in (
        "条目：tiny:three_systems",
        "标题：全面推行行政执法三项制度",
        "分组：一 严格规范公正文明执法",
        "权重：60",
        "关键条目：是",
        "适用级别：全部",
        "3. 法制审核：全部 [重大执法决定、法制审核]；排除 [下一步]；权重 1.5",
        "full_record 执法全过程记录",
        "示例：覆盖 2 个，部分覆盖 1 个，缺失 2 个",
        "[部分覆盖]（下一年度主要安排部分，县级）下一步，我们将全面落实行政执法三项制度。",
        "文件：tests/fixtures/rules_ok/tiny/items/three_systems.yaml",
    ):
        assert expected in out, expected


def test_show_structure_item_and_pack(capsys):
    code, out, _err = run(capsys, "rules", "show", "has_shortcomings", "--rules", str(RULES_OK))
    assert code == 0
    assert "检查：shortcomings_with_causes（参数：min_causes=1）" in out
    assert "[覆盖]（整篇报告）" in out
    code, out, _err = run(capsys, "rules", "show", "tiny", "--rules", str(RULES_OK))
    assert code == 0
    assert "规则包：tiny" in out and "类型：内容（按句子匹配）" in out
    assert "二 政务公开（1 个条目，权重 40）" in out
    assert "min_signal: 2" in out and "max_evidence: 5" in out


def test_show_unknown_reference_exits_2(capsys):
    code, out, err = run(capsys, "rules", "show", "nonexistent_item", "--rules", str(RULES_OK))
    assert code == 2 and out == ""
    assert "未找到条目或规则包：nonexistent_item" in err


def test_rules_without_subcommand_prints_help_and_exits_2(capsys):
    code, _out, err = run(capsys, "rules")
    assert code == 2 and "validate" in err


@pytest.mark.skipif(not BUILTIN_ITEM.is_file(), reason="built-in gangyao-2021 pack not written yet")
def test_list_and_show_builtin_packs(capsys):
    code, out, err = run(capsys, "rules", "list")
    assert code == 0, err
    assert any(line.startswith("gangyao-2021  ") and "总权重 100" in line for line in out.splitlines())
    code, out, err = run(capsys, "rules", "show", "three_enforcement_systems")
    assert code == 0, err
    assert "条目：gangyao-2021:three_enforcement_systems" in out
    assert "关键条目：是" in out and "publicity" in out and "full_record" in out and "legal_review" in out


# ---------------------------------------------------------------------------------------------
# test (with a fake matcher and document builder: the runner's mechanics, not the real matcher)
# ---------------------------------------------------------------------------------------------


class KeywordMatcher:
    """A stand-in for scorer.match.Matcher: keyword hits in the wrapped report decide the status."""

    def __init__(self, packs, wrong: set[str] = frozenset()):
        self.packs = packs
        self.wrong = wrong  # item ids for which it answers wrongly
        self.calls: list[tuple[str, Level]] = []

    def score_item(self, pack, item, document, *, level=None):
        text = document  # the fake builder returns the text itself
        self.calls.append((item.id, level))
        if item.id in self.wrong:
            return Status.COVERED
        if not item.applies_to(level):
            return Status.NOT_APPLICABLE
        if pack.kind == "structure":
            if "原因" in text:
                return Status.COVERED
            return Status.PARTIAL if ("不足" in text or "问题" in text) else Status.MISSING
        body = text.split("\n", 2)[2].lower()
        hit = any(group.matches(body) for group in item.signals)
        if not hit:
            return Status.MISSING
        in_achievements = "主要举措和成效" in text.split("\n")[1]
        return Status.COVERED if in_achievements and any(ch.isdigit() for ch in body) else Status.PARTIAL


@pytest.fixture
def fake_pipeline(monkeypatch):
    made: list[KeywordMatcher] = []
    wrong: set[str] = set()

    def make_matcher(packs):
        matcher = KeywordMatcher(packs, wrong)
        made.append(matcher)
        return matcher

    monkeypatch.setattr(rule_examples, "make_matcher", make_matcher)
    monkeypatch.setattr(rule_examples, "build_example_document", lambda text: text)
    return made, wrong


def test_rules_test_all_pass(capsys, fake_pipeline):
    made, _wrong = fake_pipeline
    code, out, err = run(capsys, "rules", "test", str(RULES_OK))
    assert code == 0, out
    assert out == ""  # passing examples are listed only with -v
    assert err.strip() == "21 通过，0 失败"
    assert [[p.id for p in m.packs] for m in made] == [["tiny"], ["tiny-old"], ["tiny-structure"]]
    code, out, err = run(capsys, "rules", "test", str(RULES_OK), "-v")
    assert out.count("[通过]") == 21
    assert "[通过] tiny:open_gov:not_applicable[0]：不适用" in out


def test_rules_test_failures_exit_1_and_show_expected_and_actual(capsys, fake_pipeline):
    _made, wrong = fake_pipeline
    wrong.add("open_gov")
    code, out, err = run(capsys, "rules", "test", str(RULES_OK), "--pack", "tiny")
    assert code == 1
    assert err.strip() == "7 通过，4 失败"  # open_gov has 2 covered (pass) + 1 partial, 2 missing, 1 n/a
    assert "[失败] tiny:open_gov:partial[0]：期望 部分覆盖，实际 覆盖" in out
    assert "    示例（主要举措和成效部分，县级）：持续推进政务公开工作。" in out
    assert "[失败] tiny:open_gov:not_applicable[0]：期望 不适用，实际 覆盖" in out
    assert "[通过]" not in out


def test_rules_test_item_filter(capsys, fake_pipeline):
    made, _wrong = fake_pipeline
    code, _out, err = run(capsys, "rules", "test", str(RULES_OK), "--item", "tiny:three_systems", "-v")
    assert code == 0 and err.strip() == "5 通过，0 失败"
    assert {call[0] for m in made for call in m.calls} == {"three_systems"}
    code, _out, err = run(capsys, "rules", "test", str(RULES_OK), "--item", "has_shortcomings")
    assert code == 0 and err.strip() == "5 通过，0 失败"


def test_rules_test_unknown_pack_or_item_or_broken_rules_exit_2(capsys, fake_pipeline):
    code, _out, err = run(capsys, "rules", "test", str(RULES_OK), "--pack", "nope")
    assert code == 2 and "未知的规则包：nope" in err
    code, _out, err = run(capsys, "rules", "test", str(RULES_OK), "--item", "nope")
    assert code == 2 and "未找到条目：nope" in err
    code, _out, err = run(capsys, "rules", "test", str(RULES_BAD / "bad_regex"))
    assert code == 2 and "signals[1].regex[0]" in err
