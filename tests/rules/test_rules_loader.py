"""Rule-pack loader and validator: objects, selection, every kind of problem, JSON Schema sync."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import fields, replace
from pathlib import Path

import jsonschema
import pytest
import yaml
from corpus_paths import FIXTURES_DIR, REPO_ROOT

from scorer.errors import RuleError
from scorer.model import Level, Role, Status
from scorer.rules import (
    Pack,
    SignalGroup,
    builtin_rules_dir,
    load_defaults,
    load_pack,
    load_packs,
    select_packs,
)
from scorer.rules import loader as rules
from scorer.rules.thresholds import MatchingConfig

FIXTURES = FIXTURES_DIR
RULES_OK = FIXTURES / "rules_ok"
RULES_BAD = FIXTURES / "rules_bad"
SCHEMA_DIR = REPO_ROOT / "rules" / "schema"


def load_error(path: Path) -> str:
    with pytest.raises(RuleError) as info:
        load_packs(path)
    return str(info.value)


@pytest.fixture
def rules_copy(tmp_path):
    """A writable copy of the good fixture rules and a helper to edit one of its files."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_OK, target)

    def edit(relative: str, old: str, new: str) -> Path:
        path = target / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text not found in {relative}: {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return target, edit


# ---------------------------------------------------------------------------------------------
# Loading a good rules folder
# ---------------------------------------------------------------------------------------------


def test_load_good_fixture_packs_in_folder_order():
    packs = load_packs(RULES_OK)
    assert list(packs) == ["tiny", "tiny-old", "tiny-structure"]
    tiny = packs["tiny"]
    assert [item.id for item in tiny.items] == ["three_systems", "open_gov"]
    assert tiny.sections == (("一", "严格规范公正文明执法"), ("二", "政务公开"))
    assert tiny.kind == "content" and tiny.version == "1.0"
    assert (tiny.years_from, tiny.years_to, tiny.always) == (2021, None, False)
    assert packs["tiny-structure"].always is True
    assert tiny.total_weight == pytest.approx(100)


def test_item_fields_and_defaults():
    tiny = load_packs(RULES_OK)["tiny"]
    item = tiny.item("three_systems")
    assert item.key is True and item.weight == 60 and item.group == "一"
    assert item.levels == frozenset(Level) and item.all_levels
    assert [part.id for part in item.parts] == ["publicity", "full_record"]
    assert item.signals[2].weight == 1.5 and item.signals[2].not_ == ("下一步",)
    assert item.signals[0].name == "三项制度"
    # A nameless group is labelled by its phrases, for `explain`.
    assert item.parts[0].signals[0].name == "执法公示、双公示"
    # Exemplars are NFKC-normalised like Document.text.
    assert "审核率100%" in item.exemplars[1] and "，" not in item.exemplars[1]
    assert item.source_file is not None and item.source_file.name == "three_systems.yaml"
    labels = [example.label for example in item.examples]
    assert labels == [Status.COVERED, Status.COVERED, Status.PARTIAL, Status.MISSING, Status.MISSING]
    plain, mapped = item.examples[0], item.examples[1]
    assert (plain.role, plain.level) == (Role.ACHIEVEMENTS, Level.COUNTY)
    assert (mapped.role, mapped.level) == (Role.ACHIEVEMENTS, Level.CITY)
    assert item.examples[2].role is Role.NEXT_YEAR_PLAN
    open_gov = tiny.item("open_gov")
    assert open_gov.levels == frozenset({Level.COUNTY, Level.TOWNSHIP})
    assert open_gov.examples_with(Status.NOT_APPLICABLE)[0].level is Level.PROVINCE


def test_structure_item_has_check_and_params():
    item = load_packs(RULES_OK)["tiny-structure"].item("has_shortcomings")
    assert item.check == "shortcomings_with_causes"
    assert dict(item.params) == {"min_causes": 1}
    assert item.signals == () and item.exemplars == ()
    with pytest.raises(TypeError):
        item.params["min_causes"] = 2  # read-only like the rest of the item


def test_pack_item_lookup_and_years():
    packs = load_packs(RULES_OK)
    tiny, old = packs["tiny"], packs["tiny-old"]
    assert tiny.item("open_gov").title == "政务公开"
    with pytest.raises(KeyError):
        tiny.item("nope")
    assert tiny.applies_to_year(2021) and tiny.applies_to_year(2030) and not tiny.applies_to_year(2020)
    assert old.applies_to_year(1999) and old.applies_to_year(2020) and not old.applies_to_year(2021)
    assert packs["tiny-structure"].applies_to_year(1990)
    assert (tiny.years_label, old.years_label, packs["tiny-structure"].years_label) == ("2021–", "–2020", "不限")


def test_item_applies_to_level():
    open_gov = load_packs(RULES_OK)["tiny"].item("open_gov")
    assert open_gov.applies_to(Level.COUNTY) and open_gov.applies_to(Level.TOWNSHIP)
    assert not open_gov.applies_to(Level.PROVINCE)
    assert open_gov.applies_to(None)  # unknown level: the item applies


def test_terms_are_sorted_unique_phrases_of_items_and_parts():
    tiny = load_packs(RULES_OK)["tiny"]
    terms = tiny.terms()
    assert terms == tuple(sorted(set(terms)))
    assert {"三项制度", "重大执法决定", "法制审核", "执法公示", "双公示", "政务公开"} <= set(terms)
    assert "下一步" not in terms  # `not` phrases are not domain terms
    assert not any("{" in term or "(" in term for term in terms)  # regexes are not terms


def test_matching_defaults_overlay():
    packs = load_packs(RULES_OK)
    # rules_ok/defaults.yaml sets max_evidence 5; tiny's pack.yaml sets min_signal 2.
    assert packs["tiny"].matching.max_evidence == 5
    assert packs["tiny"].matching.min_signal == 2
    assert packs["tiny-old"].matching.min_signal == MatchingConfig().min_signal
    assert packs["tiny-old"].matching.max_evidence == 5


def test_load_pack_with_explicit_defaults_and_single_pack_folder():
    pack = load_pack(RULES_OK / "tiny", MatchingConfig(max_evidence=9))
    assert pack.matching.max_evidence == 9 and pack.matching.min_signal == 2
    assert list(load_packs(RULES_OK / "tiny")) == ["tiny"]  # a pack folder is a one-pack set


def test_shipped_defaults_yaml_lists_every_threshold_with_its_code_default():
    data = yaml.safe_load((REPO_ROOT / "rules" / "defaults.yaml").read_text(encoding="utf-8"))
    assert set(data) == {"matching"}
    assert set(data["matching"]) == {f.name for f in fields(MatchingConfig)}
    assert MatchingConfig.from_mapping(data["matching"], "defaults") == MatchingConfig()
    assert load_defaults(REPO_ROOT / "rules") == MatchingConfig()


def test_builtin_rules_dir_is_the_repo_rules_folder_in_a_checkout():
    assert builtin_rules_dir() == REPO_ROOT / "rules"


# ---------------------------------------------------------------------------------------------
# Signal groups
# ---------------------------------------------------------------------------------------------


def group(**kwargs) -> SignalGroup:
    return SignalGroup(name=kwargs.pop("name", "g"), **kwargs)


def test_signal_any_all_not():
    g = group(any=("执法公示", "双公示"), all=("全年",), not_=("下一步",))
    assert g.matches("全年落实双公示制度") == ("双公示", "全年")  # any hits, then all, as the matcher reports them
    assert g.matches("落实双公示制度") is None  # `all` fails
    assert g.matches("全年开展培训") is None  # `any` fails
    assert g.matches("下一步全年落实双公示") is None  # `not` vetoes


def test_signal_regex_returns_matched_text_and_ignores_case():
    g = group(regex=("执法.{0,6}全过程记录", r"pdca循环"))
    assert g.matches("推行执法音像全过程记录") == ("执法音像全过程记录",)
    assert group(regex=("PDCA",)).matches("运用pdca循环") == ("pdca",)
    assert g.matches("执法检查") is None
    assert g.patterns[0].pattern == "执法.{0,6}全过程记录"  # compiled once, source kept


def test_loaded_phrases_are_normalised_half_width_lower_case(rules_copy):
    root, edit = rules_copy
    edit("tiny/items/three_systems.yaml", "any: [三项制度, 行政执法三项制度]", "any: [三项制度, ＰＤＣＡ（循环）]")
    group_ = load_packs(root)["tiny"].item("three_systems").signals[0]
    assert group_.any == ("三项制度", "pdca(循环)")
    assert group_.matches("运用pdca(循环)管理") == ("pdca(循环)",)


# ---------------------------------------------------------------------------------------------
# Pack selection
# ---------------------------------------------------------------------------------------------


def test_select_auto_by_year():
    packs = load_packs(RULES_OK)
    chosen, warnings = select_packs(packs, "auto", 2024)
    assert [p.id for p in chosen] == ["tiny", "tiny-structure"] and warnings == []
    chosen, warnings = select_packs(packs, "auto", 2018)
    assert [p.id for p in chosen] == ["tiny-old", "tiny-structure"] and warnings == []
    chosen, _ = select_packs(packs, "auto", 2021)
    assert chosen[0].id == "tiny"
    chosen, _ = select_packs(packs, "auto", 2020)
    assert chosen[0].id == "tiny-old"


def test_select_auto_unknown_year_defaults_to_gangyao_2021_with_warning():
    packs = load_packs(RULES_OK)
    renamed = replace(packs["tiny"], id="gangyao-2021", title="法治政府建设实施纲要（2021－2025年）")
    # Put the default last so that the choice is by id, not by order.
    packs = {"tiny-old": packs["tiny-old"], "tiny-structure": packs["tiny-structure"], "gangyao-2021": renamed}
    chosen, warnings = select_packs(packs, "auto", None)
    assert [p.id for p in chosen] == ["gangyao-2021", "tiny-structure"]
    assert warnings == ["未能识别报告年度，默认按《法治政府建设实施纲要（2021－2025年）》评分"]


def test_select_explicit_list_and_unknown_id():
    packs = load_packs(RULES_OK)
    chosen, warnings = select_packs(packs, "tiny-structure, tiny-old,tiny-old", 2024)
    assert [p.id for p in chosen] == ["tiny-structure", "tiny-old"] and warnings == []
    with pytest.raises(RuleError) as info:
        select_packs(packs, "tiny,gangyao-2099", 2024)
    message = str(info.value)
    assert "gangyao-2099" in message and "tiny-old" in message and "tiny-structure" in message


def test_select_year_outside_every_pack_picks_nearest_and_warns(rules_copy):
    root, edit = rules_copy
    edit("tiny-old/pack.yaml", "years: {from: null, to: 2020}", "years: {from: 2015, to: 2020}")
    packs = load_packs(root)
    chosen, warnings = select_packs(packs, "auto", 2010)
    assert chosen[0].id == "tiny-old"
    assert warnings and "2010" in warnings[0]


def test_builtin_year_after_the_newest_gangyao_keeps_it_and_says_so():
    packs = load_packs()
    chosen, warnings = select_packs(packs, "auto", 2026)
    assert [p.id for p in chosen] == ["gangyao-2021", "report-structure"]
    assert warnings == ["报告年度 2026 年已超出《法治政府建设实施纲要（2021－2025年）》的实施期（2021–2025）；尚无新一期纲要，仍按该纲要评分"]
    chosen, warnings = select_packs(packs, "auto", 2025)
    assert chosen[0].id == "gangyao-2021" and warnings == []  # the 纲要's final year is its own


# ---------------------------------------------------------------------------------------------
# Broken packs (static fixtures under tests/fixtures/rules_bad)
# ---------------------------------------------------------------------------------------------


def test_unknown_key_names_file_item_key_and_suggestion():
    message = load_error(RULES_BAD / "unknown_key")
    assert "rules_bad/unknown_key/tiny/items/three_systems.yaml" in message
    assert "条目 three_systems，键 adivce：未知的键，是否应为 advice？" in message
    assert "键 advice：缺少必填的键" in message
    assert message.splitlines()[0] == "规则校验发现 2 个问题："


def test_wrong_type():
    message = load_error(RULES_BAD / "wrong_type")
    assert "items/three_systems.yaml：条目 three_systems，键 signals[2].all：应为字符串列表" in message


def test_duplicate_item_id():
    message = load_error(RULES_BAD / "duplicate_id")
    assert "duplicate_id/tiny/pack.yaml：规则包 tiny，键 items[2]：条目 three_systems 重复列出" in message


def test_weights_must_sum_to_100_and_message_gives_the_sum():
    message = load_error(RULES_BAD / "bad_weights")
    assert "键 items：条目权重之和应为 100，实际为 90" in message


def test_missing_examples_says_which_label_is_short():
    message = load_error(RULES_BAD / "missing_examples")
    assert "items/open_gov.yaml：条目 open_gov，键 examples.partial：缺少 partial 示例" in message


def test_bad_regex_shows_the_regex_error():
    message = load_error(RULES_BAD / "bad_regex")
    assert "条目 three_systems，键 signals[1].regex[0]：正则表达式 '执法(全过程记录' 无法编译" in message
    assert "missing )" in message


def test_yaml_syntax_error_gives_file_and_line():
    message = load_error(RULES_BAD / "yaml_syntax")
    assert re.search(r"yaml_syntax/tiny/items/open_gov\.yaml：第 11 行第 \d+ 列：YAML 语法错误", message)


def test_unlisted_item_file():
    message = load_error(RULES_BAD / "unlisted_file")
    assert "键 items：条目文件 items/extra_item.yaml 未列入 items" in message


# ---------------------------------------------------------------------------------------------
# More problems, made by editing a copy of the good fixture
# ---------------------------------------------------------------------------------------------

THREE = "tiny/items/three_systems.yaml"
OPEN = "tiny/items/open_gov.yaml"


def key_of(expected: str) -> str:
    """The key path a problem message names (for readable test ids)."""
    found = re.search(r"键 ([^：]+)：", expected)
    return found.group(1) if found else "yaml"


ITEM_CASES = [
        (THREE, "id: three_systems", "id: three_system", "键 id：条目 id 'three_system' 应与文件名一致（three_systems）"),
        (THREE, "id: three_systems", "id: Three-Systems", "键 id：条目 id 'Three-Systems' 只能含小写字母、数字和下划线"),
        (THREE, "group: 一", "group: 九", "键 group：分组 '九' 不在 pack.yaml 的 sections 中"),
        (THREE, "weight: 60", "weight: -60", "键 weight：应为大于 0 的数值"),
        (THREE, "weight: 60", "weight: '60'", "键 weight：应为数值，实际为字符串 '60'"),
        (THREE, "key: true", "key: 是", "键 key：应为 true 或 false"),
        (THREE, "title: 全面推行行政执法三项制度", "title: ''", "键 title：不能为空字符串"),
        (OPEN, "levels: [county, township]", "levels: [county, village]", "键 levels[1]：未知的级别 'village'"),
        (OPEN, "levels: [county, township]", "levels: county", "键 levels：应为 all 或级别列表"),
        (THREE, "    any: [三项制度, 行政执法三项制度]", "    any: []", "键 signals[0].any：不能为空列表"),
        (THREE, "  - name: 三项制度\n    any: [三项制度, 行政执法三项制度]", "  - name: 三项制度", "键 signals[0]：信号组至少需要 any、all、regex 之一"),
        (THREE, "    any: [三项制度, 行政执法三项制度]", "    ayn: [三项制度]", "键 signals[0].ayn：未知的键，是否应为 signals[0].any？"),
        (THREE, "    weight: 1.5", "    weight: 0", "键 signals[2].weight：应为大于 0 的数值"),
        (THREE, "regex: ['执法.{0,6}全过程记录']", "regex: ['执法（全过程）记录']", "键 signals[1].regex[0]：正则表达式含全角字符"),
        (THREE, "regex: ['执法.{0,6}全过程记录']", "regex: ['(执法)?']", "能匹配空字符串"),
        (THREE, "  - id: full_record", "  - id: publicity", "键 parts[1].id：分项 id 'publicity' 重复"),
        (THREE, "    title: 行政执法公示\n", "", "键 parts[0].title：缺少必填的键"),
        (THREE, "  - 全年对重大执法决定开展法制审核326件，审核率100%。\n", "", "键 exemplars：至少需要 2 个范例句，实际 1 个"),
        (THREE, "  missing:\n    - 全年共办理人大代表建议45件。\n    - 组织开展普法宣传活动20场次。\n", "  missing:\n", "键 examples.missing：缺少 missing 示例"),
        (OPEN, "    - 组织开展普法宣传活动20场次。\n", "", "键 examples.missing：missing 示例不足：至少需要 2 个，实际 1 个"),
        (THREE, "      role: next_year_plan", "      role: plan", "键 examples.partial[0].role：未知的部分 'plan'"),
        (THREE, "      level: city", "      level: town", "键 examples.covered[1].level：未知的级别 'town'"),
        (THREE, "      role: achievements\n", "      rol: achievements\n", "键 examples.covered[1].rol：未知的键，是否应为 examples.covered[1].role？"),
        (THREE, "  covered:", "  coverd:", "键 examples.coverd：未知的键，是否应为 examples.covered？"),
        (THREE, "key: true", "key: true\ncheck: part_present", "键 check：仅用于结构类规则包"),
        (THREE, "weight: 60", "weight: 60\nweight: 50", "重复的键 'weight'"),
]


@pytest.mark.parametrize(("relative", "old", "new", "expected"), ITEM_CASES, ids=[f"{index}-{key_of(case[3])}" for index, case in enumerate(ITEM_CASES)])
def test_item_problems(rules_copy, relative, old, new, expected):
    root, edit = rules_copy
    path = edit(relative, old, new)
    message = load_error(root)
    assert expected in message
    item_id = path.stem
    # Every line names the file and, below the file level, the item.
    problem_lines = message.splitlines()[1:]
    assert problem_lines and all(f"items/{item_id}.yaml" in line for line in problem_lines), message
    assert all("：条目 " in line or "YAML" in line for line in problem_lines), message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("id: tiny\n", "id: tiny2\n", "键 id：规则包 id 'tiny2' 应与目录名一致（tiny）"),
        ('version: "1.0"', "version: 1.0", "键 version：应为字符串，实际为数值 1.0（请加引号）"),
        ("kind: content", "kind: contents", "键 kind：应为 content 或 structure"),
        ("years: {from: 2021, to: null}", "years: {from: 2021, to: 2019}", "键 years：起始年份 2021 晚于结束年份 2019"),
        ("years: {from: 2021, to: null}", "years: {from: '2021'}", "键 years.from：应为年份（整数）或 null"),
        ("years: {from: 2021, to: null}", "years: {form: 2021}", "键 years.form：未知的键，是否应为 years.from？"),
        ("source: 测试用规则包\n", "", "键 source：缺少必填的键"),
        ("items: [three_systems, open_gov]", "items: [three_systems, open_gov, ghost]", "键 items[2]：条目 ghost 没有对应的文件 items/ghost.yaml"),
        ("matching:\n  min_signal: 2", "matching:\n  min_signl: 2", "键 matching.min_signl：未知的阈值"),
        ("matching:\n  min_signal: 2", "matching:\n  min_signal: -1", "键 matching.min_signal：应为非负数值"),
        ("sections:\n", "always: maybe\nsections:\n", "键 always：应为 true 或 false"),
        ("title: 测试纲要（2021年起）\n", "title: 测试纲要（2021年起）\nname: x\n", "键 name：未知的键"),
    ],
)
def test_pack_problems(rules_copy, old, new, expected):
    root, edit = rules_copy
    edit("tiny/pack.yaml", old, new)
    message = load_error(root)
    assert expected in message
    assert "tiny/pack.yaml：规则包 tiny" in message


def test_structure_item_problems(rules_copy):
    root, edit = rules_copy
    edit("tiny-structure/items/has_shortcomings.yaml", "check: shortcomings_with_causes", "check: shortcoming_with_cause")
    message = load_error(root)
    assert "has_shortcomings.yaml：条目 has_shortcomings，键 check：未知的检查 'shortcoming_with_cause'（是否应为 shortcomings_with_causes？）" in message
    edit("tiny-structure/items/has_shortcomings.yaml", "check: shortcoming_with_cause\n", "")
    assert "键 check：缺少必填的键" in load_error(root)


def test_structure_checks_constant_matches_item_schema():
    schema = json.loads((SCHEMA_DIR / "item.schema.json").read_text(encoding="utf-8"))
    assert tuple(schema["properties"]["check"]["enum"]) == rules.STRUCTURE_CHECKS


def test_all_problems_of_a_load_are_collected(rules_copy):
    root, edit = rules_copy
    edit("tiny/items/three_systems.yaml", "weight: 60", "weight: '60'")
    edit("tiny/items/open_gov.yaml", "group: 二", "group: 三")
    edit("tiny-old/pack.yaml", 'version: "1.0"', "version: 1.0")
    edit("tiny-structure/items/has_shortcomings.yaml", "key: true", "key: 1")
    message = load_error(root)
    lines = message.splitlines()
    assert lines[0] == "规则校验发现 4 个问题："
    assert len(lines) == 5
    for expected in ("three_systems.yaml：条目 three_systems，键 weight", "open_gov.yaml：条目 open_gov，键 group",
                     "tiny-old/pack.yaml：规则包 tiny-old，键 version", "has_shortcomings.yaml：条目 has_shortcomings，键 key"):
        assert sum(expected in line for line in lines) == 1, expected


def test_item_file_that_is_not_a_mapping(rules_copy):
    root, _edit = rules_copy
    (root / OPEN).write_text("- just\n- a list\n", encoding="utf-8")
    assert "open_gov.yaml：条目 open_gov：文件内容应为映射" in load_error(root)


def test_yml_extension_and_missing_items_folder(rules_copy):
    root, _edit = rules_copy
    shutil.copy(root / OPEN, root / "tiny/items/other.yml")
    assert "other.yml：条目文件的扩展名应为 .yaml" in load_error(root)
    shutil.rmtree(root / "tiny-old/items")
    assert "tiny-old/items：缺少条目目录 items/" in load_error(root)


def test_bad_defaults_yaml(rules_copy):
    root, _edit = rules_copy
    (root / "defaults.yaml").write_text("matching:\n  max_evidnce: 3\nextra: 1\n", encoding="utf-8")
    message = load_error(root)
    assert "defaults.yaml：默认阈值，键 extra：未知的键" in message
    assert "defaults.yaml：默认阈值，键 matching.max_evidnce：未知的阈值" in message


def test_missing_or_empty_rules_folder(tmp_path):
    assert "规则目录不存在" in load_error(tmp_path / "nope")
    assert "没有规则包" in load_error(tmp_path)


# ---------------------------------------------------------------------------------------------
# Built-in packs
# ---------------------------------------------------------------------------------------------

BUILTIN_PACK_IDS = ("gangyao-2021", "gangyao-2015", "report-structure")


def test_builtin_packs_load_validate_and_are_cached():
    present = [pack_id for pack_id in BUILTIN_PACK_IDS if (REPO_ROOT / "rules" / pack_id / "pack.yaml").is_file()]
    if not present:
        pytest.skip("built-in packs not written yet")
    rules.clear_cache()
    first = load_packs()
    assert set(present) <= set(first)
    second = load_packs()
    assert all(first[pack_id] is second[pack_id] for pack_id in first)  # loaded once per process
    for pack in first.values():
        assert pack.total_weight == pytest.approx(100)


def test_builtin_auto_selection_follows_the_report_year():
    if not all((REPO_ROOT / "rules" / pack_id / "pack.yaml").is_file() for pack_id in BUILTIN_PACK_IDS):
        pytest.skip("built-in packs not written yet")
    packs = load_packs()
    assert [p.id for p in select_packs(packs, "auto", 2023)[0]] == ["gangyao-2021", "report-structure"]
    assert [p.id for p in select_packs(packs, "auto", 2019)[0]] == ["gangyao-2015", "report-structure"]
    chosen, warnings = select_packs(packs, "auto", None)
    assert [p.id for p in chosen] == ["gangyao-2021", "report-structure"]
    assert warnings == ["未能识别报告年度，默认按《法治政府建设实施纲要（2021－2025年）》评分"]


# ---------------------------------------------------------------------------------------------
# JSON Schema: valid, in sync with the validator, and accepting every shipped file
# ---------------------------------------------------------------------------------------------


def load_schema(name: str) -> dict:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def schema_errors(schema: dict, data) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(data)]


def test_schema_property_names_equal_validator_keys():
    pack = load_schema("pack")
    item = load_schema("item")
    defs = item["$defs"]
    example_object = next(option for option in defs["example"]["oneOf"] if option.get("type") == "object")
    assert tuple(pack["properties"]) == rules.PACK_KEYS
    assert tuple(pack["required"]) == rules.PACK_REQUIRED
    assert tuple(pack["properties"]["years"]["properties"]) == rules.YEARS_KEYS
    assert tuple(pack["properties"]["matching"]["properties"]) == rules.MATCHING_KEYS
    assert tuple(item["properties"]) == rules.ITEM_KEYS
    assert tuple(item["required"]) == rules.ITEM_REQUIRED
    assert tuple(defs["signal"]["properties"]) == rules.SIGNAL_KEYS
    assert tuple(item["properties"]["parts"]["items"]["properties"]) == rules.PART_KEYS
    assert tuple(item["properties"]["examples"]["properties"]) == rules.EXAMPLE_LABELS
    assert tuple(example_object["properties"]) == rules.EXAMPLE_KEYS
    assert example_object["properties"]["role"]["enum"] == [role.value for role in rules.EXAMPLE_ROLES]
    assert defs["level"]["enum"] == [level.value for level in Level]
    examples = item["properties"]["examples"]["properties"]
    assert {label: examples[label]["minItems"] for label in rules.MIN_EXAMPLES} == rules.MIN_EXAMPLES


def shipped_yaml_files() -> list[Path]:
    root = REPO_ROOT / "rules"
    return sorted(root.glob("*/pack.yaml")) + sorted(root.glob("*/items/*.yaml"))


@pytest.mark.parametrize(
    "path",
    shipped_yaml_files() + sorted(RULES_OK.glob("*/pack.yaml")) + sorted(RULES_OK.glob("*/items/*.yaml")),
    ids=lambda path: path.relative_to(REPO_ROOT).as_posix(),
)
def test_yaml_file_validates_against_json_schema(path):
    schema = load_schema("pack" if path.name == "pack.yaml" else "item")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        pytest.fail(f"{path}: YAML error: {exc}")
    errors = schema_errors(schema, data)
    assert not errors, f"{path}:\n" + "\n".join(errors)


@pytest.mark.parametrize("case", ["unknown_key", "wrong_type", "missing_examples"])
def test_json_schema_rejects_what_the_validator_rejects(case):
    path = next((RULES_BAD / case / "tiny" / "items").glob("*.yaml"), None)
    bad_files = [p for p in (RULES_BAD / case / "tiny" / "items").glob("*.yaml")
                 if p.read_text(encoding="utf-8") != (RULES_OK / "tiny" / "items" / p.name).read_text(encoding="utf-8")]
    assert path is not None and len(bad_files) == 1
    assert schema_errors(load_schema("item"), yaml.safe_load(bad_files[0].read_text(encoding="utf-8")))


def test_pack_dataclasses_are_frozen():
    pack: Pack = load_packs(RULES_OK)["tiny"]
    with pytest.raises(AttributeError):
        pack.id = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        pack.items[0].weight = 1  # type: ignore[misc]


def test_builtin_rules_dir_prefers_the_wheel_packs_folder(tmp_path, monkeypatch):
    import scorer

    package = tmp_path / "site-packages" / "scorer"
    (package / "packs").mkdir(parents=True)
    monkeypatch.setattr(scorer, "__file__", str(package / "__init__.py"))
    assert builtin_rules_dir() == package / "packs"
    (package / "packs").rmdir()
    assert builtin_rules_dir() == tmp_path / "site-packages" / "rules"
