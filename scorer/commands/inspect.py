"""`fzscore inspect REPORT`: show how a report was read (metadata, warnings, section tree with roles).

This is the debugging view of ``scorer.document``: what the scorer believes the title, body,
level and year are, which parts it found and which role each part plays. Output goes to stdout
(text for people, ``--format json`` for tools); errors go to stderr via the CLI.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from scorer.commands.common import add_limit_options, limits_from_args, write_output
from scorer.errors import ExitCode
from scorer.model import Document, Role, Section, Sentence

INSPECT_FORMAT_VERSION = 1

RESIDUE_LABELS = {
    "page_header": "页眉信息",
    "page_chrome": "网页元素",
    "page_footer": "页脚信息",
    "link_list": "链接列表",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help="查看报告的解析结果（标题、地区、层级、年度、章节结构与各部分角色）",
        description="显示工具如何读取一份报告：元数据（标题、地区/机关、层级、报告年度、成文日期、主送、落款）、"
        "提示信息，以及章节树和每一部分的角色（成效/不足/第一责任人/下一年度安排/其他）。",
    )
    parser.add_argument("report", metavar="REPORT", help="报告文件（.txt .md .docx .pdf .html）")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")
    parser.add_argument("--sentences", action="store_true", help="同时列出每一句及其角色")
    add_limit_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from scorer.audit.limits import within_limits
    from scorer.document import load_document

    document = within_limits(lambda: load_document(args.report), limits_from_args(args), [args.report])
    if args.format == "json":
        output = json.dumps(to_dict(document, args.sentences), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    else:
        output = format_text(document, args.sentences)
    write_output(output, None)
    return ExitCode.OK


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def _own_sentences(section: Section) -> list[Sentence]:
    return [s for p in section.paragraphs for s in p.sentences]


def _subtree_body_sentences(section: Section) -> list[Sentence]:
    return [s for node in section.walk() for s in _own_sentences(node) if not s.is_heading]


def _role_counts(sentences: list[Sentence]) -> dict[str, int]:
    return dict(sorted(Counter(s.role.value for s in sentences).items()))


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


def _sentence_dict(sentence: Sentence) -> dict[str, object]:
    return {
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
        "role": sentence.role.value,
        "is_heading": sentence.is_heading,
        "section": list(sentence.section_path),
    }


def _section_dict(section: Section) -> dict[str, object]:
    body = _subtree_body_sentences(section)
    return {
        "id": section.id,
        "depth": section.depth,
        "marker": section.marker,
        "title": section.title,
        "heading": section.heading,
        "role": section.role.value,
        "start": section.start,
        "end": section.end,
        "sentences": len(body),
        "roles": _role_counts(body),
        "children": [_section_dict(child) for child in section.children],
    }


def to_dict(document: Document, with_sentences: bool = False) -> dict[str, object]:
    """The inspect view as plain data (stable: lists in document order, keys sorted on output)."""
    from scorer.model import LEVEL_LABELS

    meta = document.meta
    source = document.source
    everything = list(document.sentences())
    data: dict[str, object] = {
        "inspect_version": INSPECT_FORMAT_VERSION,
        "source": {
            "path": source.path,
            "format": source.format,
            "sha256": source.sha256,
            "size": source.size,
            "encoding": source.encoding,
        },
        "meta": {
            "title": meta.title,
            "jurisdiction": meta.jurisdiction,
            "level": meta.level.value if meta.level else None,
            "level_label": LEVEL_LABELS.get(meta.level) if meta.level else None,
            "year": meta.year,
            "year_source": meta.year_source,
            "date": meta.date,
            "addressee": meta.addressee,
            "signer": meta.signer,
        },
        "warnings": list(document.warnings),
        "preamble": {
            "paragraphs": [p.text for p in document.preamble],
            "sentences": sum(len(p.sentences) for p in document.preamble),
        },
        "sections": [_section_dict(section) for section in document.sections],
        "closing": {
            "paragraphs": [p.text for p in document.closing],
            "sentences": sum(len(p.sentences) for p in document.closing),
        },
        "residue": [
            {"kind": r.kind, "start": r.start, "end": r.end, "text": document.text[r.start : r.end]} for r in document.residue
        ],
        "roles": _role_counts([s for s in everything if not s.is_heading]),
    }
    if with_sentences:
        data["sentences"] = [_sentence_dict(s) for s in everything]
    return data


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _role_summary(section: Section) -> str:
    from scorer.model import ROLE_LABELS

    label = ROLE_LABELS[section.role]
    own = [s for s in _own_sentences(section) if not s.is_heading]
    others = Counter(s.role for s in own if s.role is not section.role)
    if others:
        extra = "，".join(f"{ROLE_LABELS[role]} {count} 句" for role, count in sorted(others.items(), key=lambda x: x[0].value))
        return f"[{label}；其中 {extra}]"
    return f"[{label}]"


def _section_lines(section: Section, with_sentences: bool, indent: int = 1) -> list[str]:
    from scorer.model import ROLE_LABELS

    pad = "  " * indent
    count = len(_subtree_body_sentences(section))
    lines = [f"{pad}{section.id} {_shorten(section.heading)}  {_role_summary(section)}  {count} 句"]
    if with_sentences:
        for sentence in _own_sentences(section):
            if not sentence.is_heading:
                lines.append(f"{pad}    · [{ROLE_LABELS[sentence.role]}] {sentence.text}")
    for child in section.children:
        lines.extend(_section_lines(child, with_sentences, indent + 1))
    return lines


def format_text(document: Document, with_sentences: bool = False) -> str:
    """The inspect view for people, in Chinese."""
    from scorer.model import LEVEL_LABELS, ROLE_LABELS, YEAR_SOURCE_LABELS

    meta = document.meta
    missing = "（未识别）"
    year = missing
    if meta.year is not None:
        source = YEAR_SOURCE_LABELS.get(meta.year_source or "", meta.year_source or "")
        year = f"{meta.year}（来源：{source}）" if source else str(meta.year)
    lines = [
        f"报告：{document.source.path}",
        f"标题：{meta.title or missing}",
        f"地区/机关：{meta.jurisdiction or missing}",
        f"层级：{LEVEL_LABELS[meta.level] if meta.level else missing}",
        f"报告年度：{year}",
        f"成文日期：{meta.date or missing}",
        f"主送：{meta.addressee or '（无）'}",
        f"落款：{meta.signer or '（无）'}",
    ]
    if document.warnings:
        lines.append("提示：")
        lines.extend(f"  - {w}" for w in document.warnings)
    lines.append("结构：")
    preamble_count = sum(len(p.sentences) for p in document.preamble)
    lines.append(f"  开头  {len(document.preamble)} 段 {preamble_count} 句")
    if with_sentences:
        lines.extend(f"      · {s.text}" for p in document.preamble for s in p.sentences)
    if not document.sections:
        lines.append("  （未识别到章节）")
    for section in document.sections:
        lines.extend(_section_lines(section, with_sentences))
    closing_count = sum(len(p.sentences) for p in document.closing)
    lines.append(f"  结尾  {len(document.closing)} 段 {closing_count} 句")
    if with_sentences:
        lines.extend(f"      · {s.text}" for p in document.closing for s in p.sentences)
    counts = Counter(s.role for s in document.sentences() if not s.is_heading)
    ordered = [role for role in Role if counts.get(role)]
    lines.append("句子角色：" + "；".join(f"{ROLE_LABELS[role]} {counts[role]} 句" for role in ordered))
    if document.residue:
        lines.append(f"网页残留（已排除）：{len(document.residue)} 处")
        for residue in document.residue:
            text = " / ".join(document.text[residue.start : residue.end].split("\n"))
            lines.append(f"  {RESIDUE_LABELS.get(residue.kind, residue.kind)}：{_shorten(text, 80)}")
    return "\n".join(lines) + "\n"
