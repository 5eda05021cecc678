"""normalize(): NFKC per character, one paragraph per line, and an exact offset map."""

from __future__ import annotations

import random
import unicodedata
from types import SimpleNamespace

import pytest

from scorer.ingest import normalize, to_original_span


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("（一）加强领导，落实责任：", "(一)加强领导,落实责任:"),
        ("全年办理１２３件，占比９８．６％", "全年办理123件,占比98.6%"),
        ("ＡＢＣ　ｘｙｚ", "ABC xyz"),
        ("第一段\r\n第二段\r第三段", "第一段\n第二段\n第三段"),
        ("第一段\n\n\n   \n\u3000\u3000\n第二段", "第一段\n第二段"),
        ("  \u3000首行缩进的段落。  \n", "首行缩进的段落。"),
        ("词\u200b语\u200d连\ufeff写\u00ad", "词语连写"),
        ("控制\x07字符\x00去掉", "控制字符去掉"),
        ("多个   空格\t\t和\u00a0\u2002不间断", "多个 空格 和 不间断"),
        ("中文标点。、“引号”《文件》〔2021〕—", "中文标点。、“引号”《文件》〔2021〕—"),
        ("①第一项 ⑵第二项 ㈢第三项 ⒋第四项", "①第一项 (2)第二项 (三)第三项 4.第四项"),
        ("省略号……保留", "省略号……保留"),
        ("cafe\u0301", "café"),
        ("", ""),
        ("\n \n\t\n", ""),
    ],
)
def test_normalize_text(original, expected):
    text, offsets = normalize(original)
    assert text == expected
    assert len(offsets) == len(text)


def test_no_empty_lines_and_no_edge_spaces():
    text, _ = normalize("\n\n 一、标题 \n\n\n\u3000\u3000正文 第一段。\n \n\n正文第二段。 \n\n")
    lines = text.split("\n")
    assert lines == ["一、标题", "正文 第一段。", "正文第二段。"]
    assert all(line == line.strip() and line for line in lines)


def test_expansion_maps_every_output_char_to_its_source():
    original = "甲㈠乙"
    text, offsets = normalize(original)
    assert text == "甲(一)乙"
    assert offsets == (0, 1, 1, 1, 2)


def _char_forms(char: str) -> str:
    """Everything a single original character may turn into."""
    return unicodedata.normalize("NFKC", char) + char


_ALPHABET = list("法治政府建设报告一二三四五六七八九十年件项次人") + list("，。：；（）、“”《》１２３４５６７８９０ＡＢＣ％") + [
    " ", "  ", "\u3000", "\t", "\n", "\r\n", "\r", "\n\n\n", "\u200b", "\ufeff", "㈠", "⑵", "①", "e\u0301", "\x07", "\u00a0",
]


@pytest.mark.parametrize("seed", range(20))
def test_offsets_point_at_the_source_character(seed):
    rng = random.Random(seed)
    original = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 300)))
    text, offsets = normalize(original)
    assert len(offsets) == len(text)
    assert list(offsets) == sorted(offsets)
    for index, char in enumerate(text):
        source = original[offsets[index]]
        if char == "\n":
            assert source in "\n\r"
        elif char == " ":
            assert unicodedata.category(source) == "Zs" or source == "\t"
        else:
            assert char in _char_forms(source) or char in unicodedata.normalize("NFKC", original[offsets[index] : offsets[index] + 2])


@pytest.mark.parametrize("seed", range(20))
def test_spans_map_back_to_original_text_that_normalises_to_them(seed):
    rng = random.Random(1000 + seed)
    original = "".join(rng.choice(_ALPHABET) for _ in range(300))
    text, offsets = normalize(original)
    raw = SimpleNamespace(original=original, offsets=offsets)

    def on_boundary(position: int) -> bool:
        # not inside the expansion of one source character (㈠ -> "(一)")
        return position in (0, len(text)) or offsets[position - 1] != offsets[position]

    tried = 0
    for _ in range(200):
        start = rng.randrange(0, len(text))
        end = rng.randrange(start + 1, min(len(text), start + 40) + 1)
        if not (on_boundary(start) and on_boundary(end)) or text[start].isspace() or text[end - 1].isspace():
            continue
        ostart, oend = to_original_span(raw, start, end)
        assert normalize(original[ostart:oend])[0] == text[start:end]
        tried += 1
    assert tried > 50


def test_to_original_span_edges():
    original = "（一）\r\n第二行"
    text, offsets = normalize(original)
    raw = SimpleNamespace(original=original, offsets=offsets)
    assert text == "(一)\n第二行"
    assert to_original_span(raw, 0, 3) == (0, 3)
    assert to_original_span(raw, 0, 4) == (0, 5)  # the line break covers CRLF
    assert to_original_span(raw, 4, 7) == (5, 8)
    assert to_original_span(raw, 7, 7) == (8, 8)
    with pytest.raises(ValueError):
        to_original_span(raw, 3, 99)
