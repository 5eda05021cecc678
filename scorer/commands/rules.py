"""``fzscore rules list|show|validate|test``: inspect, validate and test rule packs.

``list``/``show`` print to stdout (what was asked for); ``validate`` prints its verdict to stderr;
``test`` prints one line per example to stdout and the summary to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from scorer.errors import ExitCode, RuleError
from scorer.rules import (
    Item,
    Pack,
    SignalGroup,
    builtin_rules_dir,
    display_path,
    find_items,
    is_pack_dir,
    level_name,
    load_pack,
    load_packs,
    role_name,
    status_name,
)

_KIND_NAMES = {"content": "内容（按句子匹配）", "structure": "结构（对整篇报告检查）"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="查看、校验和测试评分规则包",
        description="查看、校验和测试评分规则包（YAML，格式见 docs/rules.md）。",
    )
    parser.set_defaults(func=lambda args: _missing_subcommand(parser))
    commands = parser.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", parser_class=type(parser))

    list_parser = commands.add_parser("list", help="列出规则包及其条目", description="列出规则包：编号、标题、版本、适用年度、条目数、总权重。")
    list_parser.add_argument("--rules", metavar="DIR", type=Path, help="规则目录（默认：内置规则）")
    list_parser.add_argument("-v", "--verbose", action="store_true", help="同时列出每个条目的权重、关键与否和适用级别")
    list_parser.set_defaults(func=run_list)

    show_parser = commands.add_parser(
        "show", help="显示一个条目或规则包的全部内容", description="显示条目（包:条目 或 条目编号）或规则包（包编号）的全部字段。"
    )
    show_parser.add_argument("id", metavar="ID", help="条目（如 gangyao-2021:three_enforcement_systems 或 three_enforcement_systems）或规则包编号")
    show_parser.add_argument("--rules", metavar="DIR", type=Path, help="规则目录（默认：内置规则）")
    show_parser.set_defaults(func=run_show)

    validate_parser = commands.add_parser(
        "validate", help="校验规则目录或单个规则包", description="校验规则目录（或单个规则包目录）；有问题时逐条列出并以退出码 2 结束。"
    )
    validate_parser.add_argument("dir", metavar="DIR", nargs="?", type=Path, help="规则目录或规则包目录（默认：内置规则）")
    validate_parser.set_defaults(func=run_validate)

    test_parser = commands.add_parser(
        "test",
        help="运行规则条目中的示例",
        description="对每个条目的示例评分，比较实际状态与标注状态；有示例失败时退出码为 1，规则有误时为 2。",
    )
    test_parser.add_argument("dir", metavar="DIR", nargs="?", type=Path, help="规则目录或规则包目录（默认：内置规则）")
    test_parser.add_argument("--pack", metavar="ID", help="只测试这些规则包（逗号分隔）")
    test_parser.add_argument("--item", metavar="ID", action="append", help="只测试这个条目（包:条目 或 条目编号；可重复）")
    test_parser.add_argument("-v", "--verbose", action="store_true", help="也列出通过的示例")
    test_parser.set_defaults(func=run_test)


def _missing_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return ExitCode.ERROR


def _load(path: Path | None) -> dict[str, Pack]:
    return load_packs(path) if path is not None else load_packs()


# ---------------------------------------------------------------------------------------------
# list
# ---------------------------------------------------------------------------------------------


def _levels_label(item: Item) -> str:
    if item.all_levels:
        return "全部"
    return "、".join(level_name(level) for level in sorted(item.levels, key=_level_order))


def _level_order(level) -> int:
    return list(type(level)).index(level)


def run_list(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    packs = _load(args.rules)
    for pack in packs.values():
        always = "，始终适用" if pack.always else ""
        out.write(
            f"{pack.id}  {pack.title}  版本 {pack.version}  适用年度 {pack.years_label}{always}  "
            f"{len(pack.items)} 个条目  总权重 {pack.total_weight:g}\n"
        )
        if args.verbose:
            width = max(len(item.id) for item in pack.items)
            for item in pack.items:
                key = "关键" if item.key else "    "
                out.write(f"  {item.id:<{width}}  权重 {item.weight:>4g}  {key}  级别 {_levels_label(item)}  {item.title}\n")
    return ExitCode.OK


# ---------------------------------------------------------------------------------------------
# show
# ---------------------------------------------------------------------------------------------


def _signal_line(group: SignalGroup) -> str:
    conditions: list[str] = []
    if group.any:
        conditions.append(f"任一 [{'、'.join(group.any)}]")
    if group.all:
        conditions.append(f"全部 [{'、'.join(group.all)}]")
    if group.regex:
        conditions.append(f"正则 [{'、'.join(f'`{pattern}`' for pattern in group.regex)}]")
    if group.not_:
        conditions.append(f"排除 [{'、'.join(group.not_)}]")
    return f"{group.name}：{'；'.join(conditions)}；权重 {group.weight:g}"


def format_item(pack: Pack, item: Item, rules_base: Path | None = None) -> str:
    """All fields of an item in readable Chinese."""
    lines = [
        f"条目：{pack.id}:{item.id}",
        f"标题：{item.title}",
        f"规则包：{pack.title}（{pack.id}）",
        f"出处：{item.section}",
        f"分组：{item.group} {pack.section_title(item.group)}",
        f"权重：{item.weight:g}",
        f"关键条目：{'是' if item.key else '否'}",
        f"适用级别：{_levels_label(item)}",
        f"依据：{item.basis}",
        f"补充建议：{item.advice}",
    ]
    if item.check:
        params = "，".join(f"{key}={value!r}" for key, value in sorted(item.params.items()))
        lines.append(f"检查：{item.check}" + (f"（参数：{params}）" if params else ""))
    if item.signals:
        lines.append("信号：")
        lines.extend(f"  {index}. {_signal_line(group)}" for index, group in enumerate(item.signals, 1))
    if item.parts:
        lines.append("分项：")
        for part in item.parts:
            lines.append(f"  {part.id} {part.title}")
            lines.extend(f"    - {_signal_line(group)}" for group in part.signals)
    if item.exemplars:
        lines.append("范例句：")
        lines.extend(f"  - {text}" for text in item.exemplars)
    counts = "，".join(
        f"{status_name(status)} {len(item.examples_with(status))} 个"
        for status in dict.fromkeys(example.label for example in item.examples)
    )
    lines.append(f"示例：{counts}")
    for example in item.examples:
        context = "整篇报告" if pack.kind == "structure" else f"{role_name(example.role)}部分，{level_name(example.level)}"
        text = example.text.replace("\n", " / ")
        lines.append(f"  [{status_name(example.label)}]（{context}）{text}")
    if item.source_file is not None:
        lines.append(f"文件：{display_path(item.source_file, rules_base)}")
    return "\n".join(lines) + "\n"


def format_pack(pack: Pack, rules_base: Path | None = None) -> str:
    """All fields of a pack in readable Chinese."""
    lines = [
        f"规则包：{pack.id}",
        f"标题：{pack.title}",
        f"来源：{pack.source}",
        f"版本：{pack.version}",
        f"类型：{_KIND_NAMES.get(pack.kind, pack.kind)}",
        f"适用年度：{pack.years_label}",
        f"始终适用：{'是' if pack.always else '否'}",
        f"条目：{len(pack.items)} 个，总权重 {pack.total_weight:g}，关键条目 {sum(item.key for item in pack.items)} 个",
        "分组：",
    ]
    for key, title in pack.sections:
        members = [item for item in pack.items if item.group == key]
        lines.append(f"  {key} {title}（{len(members)} 个条目，权重 {sum(i.weight for i in members):g}）")
        for item in members:
            key_flag = "，关键" if item.key else ""
            lines.append(f"    - {item.id} {item.title}（权重 {item.weight:g}{key_flag}，级别 {_levels_label(item)}）")
    lines.append("阈值：")
    for name, value in vars(pack.matching).items():
        lines.append(f"  {name}: {value}")
    lines.append(f"目录：{display_path(pack.path, rules_base)}")
    return "\n".join(lines) + "\n"


def run_show(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    packs = _load(args.rules)
    reference = args.id.strip()
    base = (args.rules or builtin_rules_dir()).parent
    if reference in packs:
        out.write(format_pack(packs[reference], base))
        return ExitCode.OK
    found = find_items(packs, reference)
    if not found:
        raise RuleError(f"未找到条目或规则包：{reference}（用 fzscore rules list -v 查看可用的编号）")
    out.write("\n".join(format_item(pack, item, base) for pack, item in found))
    return ExitCode.OK


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------


def _load_fresh(path: Path | None) -> tuple[dict[str, Pack], Path]:
    """Load without the per-process cache (validate/test must see the files as they are now)."""
    target = path if path is not None else builtin_rules_dir()
    if is_pack_dir(target):
        pack = load_pack(target)
        return {pack.id: pack}, target
    return load_packs(target), target


def run_validate(args: argparse.Namespace) -> int:
    packs, target = _load_fresh(args.dir)
    items = sum(len(pack.items) for pack in packs.values())
    examples = sum(len(item.examples) for pack in packs.values() for item in pack.items)
    sys.stderr.write(
        f"规则校验通过：{len(packs)} 个规则包（{'、'.join(packs)}），{items} 个条目，{examples} 个示例（{display_path(target)}）\n"
    )
    return ExitCode.OK


# ---------------------------------------------------------------------------------------------
# test
# ---------------------------------------------------------------------------------------------


def _select_for_test(packs: dict[str, Pack], pack_choice: str | None, item_refs: list[str] | None) -> list[tuple[Pack, set[str] | None]]:
    chosen = list(packs.values())
    if pack_choice:
        ids = [part.strip() for part in pack_choice.split(",") if part.strip()]
        unknown = [pack_id for pack_id in ids if pack_id not in packs]
        if unknown:
            raise RuleError(f"未知的规则包：{'、'.join(unknown)}（可用：{'、'.join(packs)}）")
        chosen = [packs[pack_id] for pack_id in dict.fromkeys(ids)]
    if not item_refs:
        return [(pack, None) for pack in chosen]
    scope = {pack.id: pack for pack in chosen}
    wanted: dict[str, set[str]] = {}
    for reference in item_refs:
        found = find_items(scope, reference.strip())
        if not found:
            raise RuleError(f"未找到条目：{reference}（用 fzscore rules list -v 查看可用的编号）")
        for pack, item in found:
            wanted.setdefault(pack.id, set()).add(item.id)
    return [(pack, wanted[pack.id]) for pack in chosen if pack.id in wanted]


def run_test(args: argparse.Namespace, out: TextIO | None = None, matcher_factory=None) -> int:
    from scorer.audit import rule_examples

    out = out or sys.stdout
    packs, _target = _load_fresh(args.dir)
    selection = _select_for_test(packs, args.pack, args.item)
    make_matcher = matcher_factory or rule_examples.make_matcher
    passed = failed = 0
    for pack, item_ids in selection:
        outcomes = rule_examples.run_examples(pack, matcher=make_matcher([pack]), item_ids=item_ids)
        for outcome in outcomes:
            if outcome.passed:
                passed += 1
                if args.verbose:
                    out.write(f"[通过] {outcome.id}：{status_name(outcome.actual)}\n")
                continue
            failed += 1
            context = "整篇报告" if pack.kind == "structure" else f"{role_name(outcome.role)}部分，{level_name(outcome.level)}"
            out.write(
                f"[失败] {outcome.id}：期望 {status_name(outcome.expected)}，实际 {status_name(outcome.actual)}\n"
                f"    示例（{context}）：{outcome.text.replace(chr(10), ' / ')}\n"
            )
            if outcome.detail:
                out.write(f"    说明：{outcome.detail}\n")
    sys.stderr.write(f"{passed} 通过，{failed} 失败\n")
    return ExitCode.FAIL if failed else ExitCode.OK
