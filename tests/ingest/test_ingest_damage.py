"""Forgiving decoding: a few damaged bytes are replaced and reported; mostly undecodable files are refused."""

from __future__ import annotations

import codecs
import re

import pytest

from scorer.errors import InputError
from scorer.ingest import normalize, read_report

SEED = "003"


@pytest.fixture(scope="module")
def seed_text(seed_by_prefix) -> str:
    return seed_by_prefix(SEED).read_text(encoding="utf-8")


def middle_char_start(data: bytes, lead: bytes = b"\xe0") -> int:
    """Offset of the first byte of a multi-byte character near the middle (``lead``: smallest lead byte)."""
    position = len(data) // 2
    while data[position] < lead[0]:
        position += 1
    return position


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def single_warning(raw, fragment: str) -> str:
    found = [warning for warning in raw.warnings if fragment in warning]
    assert len(found) == 1, raw.warnings
    return found[0]


@pytest.mark.parametrize("shift", [0, 1, 2], ids=["lead-byte", "second-byte", "third-byte"])
def test_one_bad_byte_in_utf8_is_replaced_and_reported(tmp_path, seed_text, shift):
    data = bytearray(seed_text.encode("utf-8"))
    offset = middle_char_start(data) + shift
    data[offset] = 0xFF
    path = tmp_path / "damaged.txt"
    path.write_bytes(bytes(data))

    raw = read_report(path)

    assert raw.source.encoding == "utf-8"
    expected = bytes(data).decode("utf-8", "replace")
    assert raw.original == expected
    assert raw.text == normalize(expected)[0]
    replaced = expected.count("\ufffd")
    warning = single_warning(raw, "UTF-8")
    assert f"有 {replaced} 处字节无法按 UTF-8 编码读取" in warning
    assert f"第 {line_of(data, offset)} 行" in warning
    assert re.search(rf"字节偏移 {offset - shift}(–\d+)?）", warning), warning


def test_three_nuls_are_damage_not_binary(tmp_path, seed_text):
    data = seed_text.encode("utf-8")
    offset = middle_char_start(data)
    damaged = data[:offset] + b"\x00\x00\x00" + data[offset:]
    path = tmp_path / "nuls.txt"
    path.write_bytes(damaged)

    raw = read_report(path)

    assert raw.text == normalize(seed_text)[0]  # the NULs are dropped, nothing else changes
    assert raw.original == damaged.decode("utf-8")
    warning = single_warning(raw, "NUL")
    assert "3 个空字符（NUL）" in warning
    assert f"第 {line_of(damaged, offset)} 行（字节偏移 {offset}–{offset + 2}）" in warning


def test_damaged_gb18030_keeps_its_encoding(tmp_path, seeds):
    """GBK text with a broken byte is not mistaken for damaged UTF-8 (or refused)."""
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        data = bytearray(text.encode("gb18030"))
        offset = middle_char_start(data, b"\x81")
        data[offset] = 0xFF
        path = tmp_path / f"{seed.stem}.txt"
        path.write_bytes(bytes(data))

        raw = read_report(path)

        assert raw.source.encoding == "gb18030", seed.name
        assert raw.original == bytes(data).decode("gb18030", "replace"), seed.name
        assert f"第 {line_of(data, offset)} 行" in single_warning(raw, "GB18030")


def test_damaged_utf16_with_bom(tmp_path, seed_text):
    body = seed_text.encode("utf-16-le")
    middle = len(body) // 2 & ~1
    lone_surrogate = "\ud800".encode("utf-16-le", "surrogatepass")
    data = codecs.BOM_UTF16_LE + body[:middle] + lone_surrogate + body[middle:]
    path = tmp_path / "utf16.txt"
    path.write_bytes(data)

    raw = read_report(path)

    assert raw.source.encoding == "utf-16-le"
    assert raw.original.replace("\ufffd", "") == seed_text
    assert "1 处字节无法按 UTF-16-LE 编码读取" in single_warning(raw, "UTF-16")


def test_utf16_without_bom_cut_by_one_byte(tmp_path, seed_text):
    data = seed_text.encode("utf-16-le")[:-1]
    path = tmp_path / "cut.txt"
    path.write_bytes(data)
    raw = read_report(path)
    assert raw.source.encoding == "utf-16-le"
    assert raw.original[:-1] == seed_text[:-1]
    single_warning(raw, "UTF-16-LE")


def test_clean_files_have_no_damage_warning(tmp_path, seed_text):
    for codec in ("utf-8", "gb18030", "utf-16"):
        path = tmp_path / f"{codec}.txt"
        path.write_bytes(seed_text.encode(codec))
        assert read_report(path).warnings == (), codec


@pytest.mark.parametrize("every", [10, 30])
def test_mostly_undecodable_text_is_refused(tmp_path, seed_text, every):
    data = bytearray(seed_text.encode("utf-8"))
    data[::every] = b"\xff" * len(data[::every])
    path = tmp_path / "ruined.txt"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        read_report(path)
    assert "ruined.txt" in str(caught.value)


def test_text_full_of_nuls_is_refused_as_binary(tmp_path, seed_text):
    data = seed_text.encode("utf-8")
    damaged = b"".join(data[i : i + 9] + b"\x00" for i in range(0, len(data), 9))
    path = tmp_path / "nul_soup.txt"
    path.write_bytes(damaged)
    with pytest.raises(InputError, match="二进制"):
        read_report(path)


def test_damaged_html_page(tmp_path, seed_by_prefix, build_html):
    lines = [line for line in seed_by_prefix(SEED).read_text(encoding="utf-8").splitlines() if line.strip()]
    path = build_html(tmp_path / "page.html", lines, page_title=lines[0])
    data = bytearray(path.read_bytes())
    offset = middle_char_start(data)
    data[offset] = 0xFF
    path.write_bytes(bytes(data))

    raw = read_report(path)

    assert raw.source.format == "html"
    assert raw.source.encoding == "utf-8"
    assert "\ufffd" in raw.text
    assert f"第 {line_of(data, offset)} 行" in single_warning(raw, "UTF-8")
    assert "脚本中的中文" not in raw.text  # still the article body, not the page chrome


def test_markdown_with_nuls(tmp_path):
    original = "# 青禾县2024年法治政府建设情况报告\n\n## 一、主要举措\n\n全年办理行政复议\x00\x00案件79件。\n"
    path = tmp_path / "report.md"
    path.write_bytes(original.encode("utf-8"))
    raw = read_report(path)
    assert "全年办理行政复议案件79件。" in raw.text
    assert "2 个空字符（NUL）" in single_warning(raw, "NUL")
    assert raw.heading_hints  # markdown structure still read


def test_damaged_seed_is_scored_with_its_warning_and_exact_evidence(tmp_path, seed_text):
    from scorer.pipeline import Scorer

    data = bytearray(seed_text.encode("utf-8"))
    data[middle_char_start(data)] = 0xFF
    path = tmp_path / "damaged.txt"
    path.write_bytes(bytes(data))
    clean = tmp_path / "clean.txt"
    clean.write_text(seed_text, encoding="utf-8")

    scorer = Scorer()
    card = scorer.score_path(path)
    baseline = scorer.score_path(clean)

    assert any("UTF-8" in warning and "字节偏移" in warning for warning in card.warnings)
    text = card.document.text
    evidence = [e for item in card.items for e in item.evidence]
    assert evidence
    for e in evidence:
        assert text[e.start : e.end] == e.text
    # One unreadable character does not lose the report: the judgement barely moves.
    assert abs(card.score - baseline.score) <= 5
