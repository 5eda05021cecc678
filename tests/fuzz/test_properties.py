"""Property tests on random report-like text: the segmenter, metadata and the document model.

No exception, offsets that always index the text they claim to, and no input that takes more
than a generous bound (a hang or a quadratic blow-up, not a speed measurement).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.generate import time_bound
from scorer.document import build_document, raw_text_from_string
from scorer.document import metadata as meta
from scorer.document.segment import is_blank, line_spans, parse_heading, split_sentences
from scorer.ingest import normalize, read_report, to_original_span

# What reports are made of: numbering, dates, names of bodies, quotes and titles, punctuation.
FRAGMENTS = [
    "一、", "二、", "(一)", "（二）", "1.", "2、", "(1)", "①", "第一部分", "一是", "二是",
    "2024年", "2023年度", "二〇二四年二月二十日", "2025年2月20日", "2019-12-27", "2020年至2022年",
    "青禾县人民政府", "禾丰市", "某省", "中共青禾县委", "县司法局", "街道办事处", "关于", "的报告", "情况",
    "法治政府建设", "主要举措和成效", "存在的不足和原因", "下一步工作安排", "党政主要负责人", "专此报告。",
    "《法治政府建设实施纲要（2021－2025年）》", "“放管服”", "(试行)", "全年办理行政复议案件79件", "12.5%",
    "\n", "\n\n", " ", "\u3000", "\t",
]
CHARS = st.sampled_from(list("。！？!?；;，,、：:“”‘’\"《》()（）【】〔〕 .-—…0123456789年月日县市区镇乡省州旗部局委"))
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TOKEN = st.one_of(st.sampled_from(FRAGMENTS), CHARS, CJK)
REPORT_TEXT = st.lists(TOKEN, max_size=250).map("".join)
LINE = st.lists(st.one_of(st.sampled_from([f for f in FRAGMENTS if "\n" not in f]), CHARS, CJK), max_size=80).map("".join)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUND = 30.0  # seconds for one example; they take milliseconds


def assert_stripped_span(text: str, start: int, end: int) -> None:
    assert 0 <= start < end <= len(text)
    assert not is_blank(text[start]) and not is_blank(text[end - 1])


@SETTINGS
@given(REPORT_TEXT)
def test_line_spans_are_the_stripped_lines(text):
    spans = line_spans(text)
    lines = text.split("\n")
    assert [span.line_no for span in spans] == [no for no, line in enumerate(lines) if line.strip() and any(not is_blank(c) for c in line)]
    previous_end = -1
    for span in spans:
        assert_stripped_span(text, span.start, span.end)
        assert "\n" not in text[span.start : span.end]
        assert text.count("\n", 0, span.start) == span.line_no
        assert span.start > previous_end
        previous_end = span.end


@SETTINGS
@given(LINE)
def test_sentences_cover_every_character_once(line):
    text = f"前文\n{line}\n后文"
    start, end = 3, 3 + len(line)
    with time_bound(BOUND):
        pieces = split_sentences(text, start, end)
    covered: set[int] = set()
    previous_end = start
    for piece_start, piece_end in pieces:
        assert_stripped_span(text, piece_start, piece_end)
        assert previous_end <= piece_start and piece_end <= end
        covered.update(range(piece_start, piece_end))
        previous_end = piece_end
    assert covered >= {i for i in range(start, end) if not is_blank(text[i])}


@SETTINGS
@given(LINE)
def test_heading_spans_are_ordered(line):
    text = line.strip()
    if not text:
        return
    heading = parse_heading(text, 0, len(text))
    if heading is None:
        return
    assert 0 == heading.start <= heading.title_start < heading.title_end <= heading.heading_end <= heading.line_end == len(text)
    assert text.startswith(heading.marker.replace(" ", "")[:1])
    if heading.body_start is not None:
        assert heading.heading_end <= heading.body_start < len(text)


def _check_document(document) -> None:
    text = document.text
    for sentence in document.sentences():
        assert text[sentence.start : sentence.end] == sentence.text
    paragraphs = [*document.preamble, *document.closing]
    for section in document.walk_sections():
        assert 0 <= section.start <= section.end <= len(text)
        paragraphs.extend(section.paragraphs)
    for paragraph in paragraphs:
        assert text[paragraph.start : paragraph.end] == paragraph.text
        for sentence in paragraph.sentences:
            assert paragraph.start <= sentence.start <= sentence.end <= paragraph.end
    for residue in document.residue:
        assert 0 <= residue.start <= residue.end <= len(text)
    year = document.meta.year
    assert year is None or 1900 <= year <= 2100
    if document.meta.date:
        dt.date.fromisoformat(document.meta.date)


@SETTINGS
@given(REPORT_TEXT)
def test_document_offsets_hold_on_any_text(text):
    normalised = normalize(text)[0]
    with time_bound(BOUND):
        document = build_document(raw_text_from_string(normalised))
    _check_document(document)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(REPORT_TEXT, st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_files_of_random_text_keep_their_offsets(tmp_path, text, codec):
    path = tmp_path / "random.txt"
    data = text.encode(codec, "replace")
    path.write_bytes(data)
    try:
        raw = read_report(path)
    except Exception as exc:  # only the documented refusals: an empty or blank file
        from scorer.errors import InputError

        assert isinstance(exc, InputError), exc
        assert not text.strip() or "没有可读的文字" in str(exc) or "为空" in str(exc), exc
        return
    assert len(raw.offsets) == len(raw.text)
    assert list(raw.offsets) == sorted(raw.offsets) and (not raw.offsets or raw.offsets[-1] < len(raw.original))
    document = build_document(raw)
    _check_document(document)
    for sentence in document.sentences():
        start, end = to_original_span(raw, sentence.start, sentence.end)
        assert normalize(raw.original[start:end])[0] == sentence.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(TOKEN, min_size=1, max_size=6).map("".join), st.integers(min_value=2_000, max_value=20_000))
def test_long_repetitive_text_is_bounded(unit, repeat):
    """A short pattern repeated into a long text (one giant line, thousands of markers...)."""
    text = normalize(unit * (repeat // max(1, len(unit)) + 1))[0]
    if not text:
        return
    with time_bound(BOUND):
        document = build_document(raw_text_from_string(text))
    _check_document(document)


@SETTINGS
@given(LINE)
def test_metadata_helpers_on_any_line(line):
    for year in meta.years_in(line):
        assert 1990 <= year <= 2100
    iso = meta.date_only(line)
    if iso is not None:
        dt.date.fromisoformat(iso)
    trailing = meta.trailing_date(line)
    if trailing is not None:
        offset, iso = trailing
        assert 0 <= offset < len(line)
        dt.date.fromisoformat(iso)
    name = meta.body_name(line)
    if name is not None:
        assert name.place in line and (name.department is None or name.department in line)
        meta.infer_level(name, None, line)
    found = meta.find_year(line or None, line or None, [line], iso)
    assert found.year is None or 1900 <= found.year <= 2100
