"""Build N distinct, realistic 法治政府建设 reports for the batch benchmarks, deterministically.

    .venv/bin/python bench/generate.py OUT_DIR --count 40000 [--seed 7] [--copy-share 0.03]
                                        [--docx-share 0.08] [--html-share 0.04]

Sources: ``examples/*.txt`` and, when present, the seed reports of the shared corpus (read at
run time, never copied into the repository). Each source is read with the tool's own document
model; its sentences are pooled by the part they belong to (opening, 成效, 不足, 第一责任人,
下一年度安排) and its sub-headings likewise.

Report ``i`` is a pure function of (seed, i), so any subset can be rebuilt:

* a made-up body (county, county-level city, district, township or department) and a year in
  2016–2024 (so both 纲要 packs are used);
* title, addressee, an opening paragraph; part 一 (成效) with 3–7 sub-sections of 1–3 paragraphs,
  each paragraph 2–5 sentences drawn from the pool of that part; parts 不足, 第一责任人 and
  下一年度安排 each present with a realistic probability; signature and date;
* every sentence varied: figures replaced by others of the same size, years set to the report's
  year (plans: the next), the source's own place names replaced by the new body's;
* ``copy_share`` of the reports are near-copies of an earlier report (most paragraphs taken over
  with their figures changed, the rest new), so copy detection has work; a few stock paragraphs,
  each worded with the body's own name, open many reports (boilerplate in variants). The planted
  pairs are listed in ``OUT_DIR/.planted-copies.json`` (file stems: copy, original).

Formats: mostly ``.txt``, some ``.docx`` (python-docx, heading styles) and ``.html`` (a
government web page with navigation and footer around the article).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("FZSCORE_CORPUS", REPO.parent / "shared" / "corpus"))
sys.path.insert(0, str(REPO))

SYLLABLES = (
    "安平宁江山河阳城清泉丰和兴华新东西南北长永福兰桂云石林通宜昌乐德顺康泰嘉临海湖川源溪岭峰台庄营沙水白金玉龙凤鹤鹿"
    "武文昭明远定靖怀仁义信礼智忠孝合同连济泽洪涟滨阜宿徐淮扬镇常锡苏杭温绍湘赣黔滇蜀渝陇秦晋冀豫鲁皖闽粤琼"
)
DEPARTMENTS = ("司法局", "市场监督管理局", "生态环境局", "交通运输局", "自然资源局", "应急管理局", "人力资源和社会保障局", "住房和城乡建设局")
CN_NUMBERS = "一二三四五六七八九十"
ACHIEVEMENT_HEADINGS = ("{year}年法治政府建设主要举措和成效", "主要工作举措及成效", "推进法治政府建设的主要举措和成效", "{year}年工作开展情况")
SHORTCOMING_HEADINGS = ("存在的不足和原因", "存在的问题和不足", "工作中存在的不足及原因分析")
RESPONSIBLE_HEADINGS = ("党政主要负责人履行推进法治建设第一责任人职责情况", "主要负责人履行法治建设第一责任人职责情况")
PLAN_HEADINGS = ("{next}年推进法治政府建设的主要安排", "下一步工作打算", "{next}年工作思路", "下一年度工作安排")
TITLES = ("{body}{year}年法治政府建设情况报告", "{body}关于{year}年度法治政府建设工作情况的报告", "{body}{year}年度法治政府建设年度报告")
GENERIC_SUBHEADINGS = (
    "加强党对法治政府建设的领导", "依法全面履行政府职能", "完善依法行政制度体系", "推进严格规范公正文明执法",
    "健全行政决策制度体系", "强化对行政权力的制约和监督", "依法有效化解社会矛盾纠纷", "全面提升法治思维和依法行政能力",
    "深化政务公开", "加强行政复议和应诉工作", "推进法治宣传教育", "优化法治化营商环境",
)

_FIGURE = re.compile(r"(?<![0-9.])\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?<![0-9－\-—–~～至])((?:19|20)\d{2})(?=年)(?!年[）)])")


@dataclass
class Pools:
    """Sentences by part, sub-headings, and the place names of the sources."""

    opening: list[str] = field(default_factory=list)
    achievements: list[str] = field(default_factory=list)
    shortcomings: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def source_files() -> list[Path]:
    files = sorted((REPO / "examples").glob("*.txt"))
    seeds = CORPUS / "seeds"
    if seeds.is_dir():
        files += sorted(seeds.glob("*.txt"))
    return files


def load_pools(files: list[Path]) -> Pools:
    from scorer.document import load_document
    from scorer.model import Role

    pools = Pools()
    by_role = {
        Role.PREAMBLE: pools.opening,
        Role.ACHIEVEMENTS: pools.achievements,
        Role.SHORTCOMINGS: pools.shortcomings,
        Role.FIRST_RESPONSIBLE: pools.responsible,
        Role.NEXT_YEAR_PLAN: pools.plan,
    }
    for path in files:
        document = load_document(path)
        meta = document.meta
        for name in (meta.jurisdiction, meta.signer):
            if name:
                pools.places.append(name)
                pools.places.extend(part for part in re.findall(r"[\u4e00-\u9fff]{2,4}?(?:县|市|区|镇|乡|街道)", name))
        for sentence in document.sentences():
            if sentence.is_heading or len(sentence.text) < 12:
                continue
            pool = by_role.get(sentence.role)
            if pool is not None:
                pool.append(sentence.text)
        for section in document.walk_sections():
            if section.depth >= 2 and section.role is Role.ACHIEVEMENTS and 4 <= len(section.title) <= 30:
                pools.subheadings.append(section.title.rstrip("。；;"))
    pools.subheadings.extend(GENERIC_SUBHEADINGS)
    pools.places = sorted(set(pools.places), key=len, reverse=True)  # longest first when replacing
    for name in ("opening", "shortcomings", "responsible", "plan"):
        if len(getattr(pools, name)) < 10:  # a thin part borrows from the achievements
            getattr(pools, name).extend(pools.achievements[:40])
    return pools


@dataclass
class Body:
    name: str  # 清泉县, 清泉县安和镇, 清泉市司法局
    level: str
    upper: str  # addressee


@dataclass
class Report:
    title: str
    addressee: str
    blocks: list[tuple[str, str]]  # ("h1" | "h2" | "p", text)
    signer: str
    date: str
    year: int


def make_body(rnd: random.Random) -> Body:
    name = "".join(rnd.choice(SYLLABLES) for _ in range(2))
    upper = "".join(rnd.choice(SYLLABLES) for _ in range(2)) + "市"
    kind = rnd.choices(("county", "city", "district", "township", "department"), weights=(40, 12, 20, 18, 10))[0]
    if kind == "county":
        return Body(f"{name}县", "county", f"{upper}人民政府")
    if kind == "city":
        return Body(f"{name}市", "county", f"{upper[:2]}州人民政府")
    if kind == "district":
        return Body(f"{upper}{name}区", "county", f"{upper}人民政府")
    if kind == "township":
        county = "".join(rnd.choice(SYLLABLES) for _ in range(2)) + "县"
        return Body(f"{county}{name}镇", "township", f"{county}人民政府")
    return Body(f"{upper}{rnd.choice(DEPARTMENTS)}", "department", f"{upper}人民政府")


def vary(text: str, rnd: random.Random, body: Body, year: int, pools: Pools) -> str:
    """A sentence re-worded for another body and year: figures, years and place names changed."""
    text = _YEAR.sub(lambda m: str(year) if int(m.group(1)) <= 2030 else m.group(1), text)

    def figure(match: re.Match) -> str:
        digits = match.group(0)
        if "." in digits:
            whole, _, part = digits.partition(".")
            return f"{rnd.randint(1, 10 ** len(whole) - 1)}.{rnd.randint(0, 10 ** len(part) - 1):0{len(part)}d}"
        if len(digits) == 4 and digits.startswith(("19", "20")):
            return digits  # a year not followed by 年 (e.g. in a document number): leave it
        if match.string.startswith("%", match.end()):
            return str(rnd.randint(max(1, 10 ** (len(digits) - 1)), min(100, 10 ** len(digits) - 1)))
        low = 10 ** (len(digits) - 1) if len(digits) > 1 else 1
        return str(rnd.randint(low, 10 ** len(digits) - 1))

    text = _FIGURE.sub(figure, text)
    for place in pools.places:
        if place in text:
            text = text.replace(place, body.name)
    return text


_CLAUSE_END = re.compile(r"(?<=[，；,;])")


def sentence(pool: list[str], rnd: random.Random) -> str:
    """A sentence of the pool with some of its clauses swapped for clauses of other sentences of the
    same part: independent reports share phrases, rarely whole sentences."""
    clauses = [c for c in _CLAUSE_END.split(rnd.choice(pool)) if c]
    if len(clauses) > 1:
        for position in range(1, len(clauses)):
            if rnd.random() < 0.5:
                donor = [c for c in _CLAUSE_END.split(rnd.choice(pool)) if c]
                clause = rnd.choice(donor[1:] or donor).rstrip("。；;，,")
                clauses[position] = clause + ("，" if position < len(clauses) - 1 else "。")
    text = "".join(clauses)
    return text if text.endswith(("。", "；", ";", "！")) else text.rstrip("，,") + "。"


def paragraph(pool: list[str], rnd: random.Random, body: Body, year: int, pools: Pools, low: int = 2, high: int = 5) -> str:
    return "".join(vary(sentence(pool, rnd), rnd, body, year, pools) for _ in range(rnd.randint(low, high)))


def stock_paragraphs(pools: Pools, seed: int) -> list[str]:
    """A few opening paragraphs that many reports share, each worded with the body's own name."""
    rnd = random.Random(f"{seed}:stock")
    return ["{body}" + "".join(rnd.choice(pools.opening) for _ in range(2)) for _ in range(3)]


def is_copy(seed: int, index: int, share: float) -> bool:
    return index > 0 and random.Random(f"{seed}:{index}:copy").random() < share


def copy_origin(seed: int, index: int, share: float) -> int | None:
    """The earlier report that report ``index`` is a near-copy of, or None."""
    if not is_copy(seed, index, share):
        return None
    rnd = random.Random(f"{seed}:{index}:origin")
    for _ in range(10):
        original = index - 1 - rnd.randrange(min(index, 400))
        if not is_copy(seed, original, share):
            return original
    return None


def build(index: int, seed: int, pools: Pools, copy_share: float, stock: list[str]) -> Report:
    rnd = random.Random(f"{seed}:{index}")
    body = make_body(rnd)
    year = rnd.randint(2016, 2024)
    original = copy_origin(seed, index, copy_share)
    if original is not None:
        return near_copy(build(original, seed, pools, copy_share, stock), rnd, body, pools)
    numbers = iter(CN_NUMBERS)
    blocks: list[tuple[str, str]] = []
    if rnd.random() < 0.6:
        blocks.append(("p", vary(rnd.choice(stock).format(body=body.name), rnd, body, year, pools)))
    blocks.append(("p", paragraph(pools.opening, rnd, body, year, pools, 2, 4)))
    blocks.append(("h1", f"{next(numbers)}、" + rnd.choice(ACHIEVEMENT_HEADINGS).format(year=year)))
    for sub, heading in enumerate(rnd.sample(pools.subheadings, rnd.randint(3, 7))):
        blocks.append(("h2", f"（{CN_NUMBERS[sub]}）{vary(heading, rnd, body, year, pools)}"))
        for _ in range(rnd.randint(1, 3)):
            blocks.append(("p", paragraph(pools.achievements, rnd, body, year, pools)))
    for pool, headings, chance in (
        (pools.shortcomings, SHORTCOMING_HEADINGS, 0.85),
        (pools.responsible, RESPONSIBLE_HEADINGS, 0.6),
        (pools.plan, PLAN_HEADINGS, 0.85),
    ):
        if rnd.random() >= chance:
            continue
        target = year + 1 if pool is pools.plan else year
        blocks.append(("h1", f"{next(numbers)}、" + rnd.choice(headings).format(year=year, next=year + 1)))
        for _ in range(rnd.randint(1, 3)):
            blocks.append(("p", paragraph(pool, rnd, body, target, pools)))
    date = f"{year + 1}年{rnd.randint(1, 3)}月{rnd.randint(1, 28)}日" if rnd.random() < 0.7 else f"{year}年12月{rnd.randint(10, 31)}日"
    return Report(
        title=rnd.choice(TITLES).format(body=body.name, year=year),
        addressee=f"{body.upper}：",
        blocks=blocks,
        signer=body.name if body.level == "department" else f"{body.name}人民政府",
        date=date,
        year=year,
    )


def near_copy(original: Report, rnd: random.Random, body: Body, pools: Pools) -> Report:
    """Most paragraphs of ``original`` with figures changed and the body renamed; the rest new."""
    keep = rnd.uniform(0.5, 0.95)
    year = original.year
    old_name = original.signer.removesuffix("人民政府")
    blocks = []
    for kind, text in original.blocks:
        if kind == "p" and rnd.random() > keep:
            text = paragraph(pools.achievements, rnd, body, year, pools)
        elif kind == "p":
            text = _FIGURE.sub(lambda m: m.group(0) if m.group(0).startswith(("19", "20")) and len(m.group(0)) == 4 else str(rnd.randint(1, 99)), text)
        blocks.append((kind, text.replace(old_name, body.name)))
    return Report(
        title=original.title.replace(old_name, body.name),
        addressee=f"{body.upper}：",
        blocks=blocks,
        signer=body.name if body.level == "department" else f"{body.name}人民政府",
        date=original.date,
        year=year,
    )


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def as_text(report: Report) -> str:
    lines = [report.title, report.addressee]
    lines += [text for _, text in report.blocks]
    lines += [report.signer, report.date]
    return "\n".join(lines) + "\n"


def write_docx(report: Report, path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.addressee)
    for kind, text in report.blocks:
        if kind == "h1":
            document.add_heading(text, level=1)
        elif kind == "h2":
            document.add_heading(text, level=2)
        else:
            document.add_paragraph(text)
    document.add_paragraph(report.signer)
    document.add_paragraph(report.date)
    document.save(path)


def as_html(report: Report) -> str:
    body = "\n".join(
        f"<h2>{html.escape(t)}</h2>" if k == "h1" else f"<h3>{html.escape(t)}</h3>" if k == "h2" else f"<p>{html.escape(t)}</p>"
        for k, t in report.blocks
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(report.title)}</title></head><body>\n"
        "<nav><a href=\"/\">首页</a> <a href=\"/zwgk/\">政务公开</a> <a href=\"/fzzfjs/\">法治政府建设</a></nav>\n"
        f"<div class=\"article\"><h1>{html.escape(report.title)}</h1>\n<p>{html.escape(report.addressee)}</p>\n{body}\n"
        f"<p>{html.escape(report.signer)}</p>\n<p>{html.escape(report.date)}</p></div>\n"
        "<footer>主办单位：人民政府办公室　网站标识码：0000000000</footer>\n</body></html>\n"
    )


def file_stem(index: int, report: Report) -> str:
    return f"{index:05d}_{report.signer.removesuffix('人民政府')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--copy-share", type=float, default=0.03)
    parser.add_argument("--docx-share", type=float, default=0.08)
    parser.add_argument("--html-share", type=float, default=0.04)
    args = parser.parse_args(argv)

    files = source_files()
    pools = load_pools(files)
    stock = stock_paragraphs(pools, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    seen: set[bytes] = set()
    chars = 0
    formats = {"txt": 0, "docx": 0, "html": 0}
    for index in range(args.count):
        report = build(index, args.seed, pools, args.copy_share, stock)
        text = as_text(report)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        if digest in seen:
            raise SystemExit(f"report {index} repeats an earlier one; change the seed")
        seen.add(digest)
        chars += len(text)
        draw = random.Random(f"{args.seed}:{index}:format").random()
        stem = file_stem(index, report)
        if draw < args.docx_share:
            write_docx(report, args.out / f"{stem}.docx")
            formats["docx"] += 1
        elif draw < args.docx_share + args.html_share:
            (args.out / f"{stem}.html").write_text(as_html(report), encoding="utf-8")
            formats["html"] += 1
        else:
            (args.out / f"{stem}.txt").write_text(text, encoding="utf-8")
            formats["txt"] += 1
    # What was planted, for checking what copy detection finds (bench/sweep.py): copy -> original.
    stems = {}
    planted = []
    for index in range(args.count):
        original = copy_origin(args.seed, index, args.copy_share)
        if original is not None:
            planted.append((index, original))
    for index in {i for pair in planted for i in pair}:
        stems[index] = file_stem(index, build(index, args.seed, pools, args.copy_share, stock))
    (args.out / ".planted-copies.json").write_text(
        json.dumps([[stems[c], stems[o]] for c, o in planted], ensure_ascii=False) + "\n", encoding="utf-8"
    )
    copies = len(planted)
    print(
        f"{args.count} reports ({formats}), {chars} characters, ~{copies} near-copies, "
        f"from {len(files)} sources ({len(pools.achievements)} achievement sentences) -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
