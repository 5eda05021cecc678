"""Copy detection: near-duplicate paragraphs across reports, boilerplate, scaling by blocks."""

from __future__ import annotations

import random

import numpy as np
import pytest

from scorer.audit.copydetect import (
    detect_copies,
    near_duplicate_pairs,
    ngram_counts,
    normalise_paragraph,
    tfidf_vectors,
)
from scorer.errors import ConfigError
from scorer.model import CopyDetectConfig


def _paragraphs(path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _edit(text: str, rnd: random.Random, changes: int = 2) -> str:
    """A small edit: a few characters replaced (names, figures changed by a copier)."""
    chars = list(text)
    for _ in range(changes):
        chars[rnd.randrange(len(chars))] = rnd.choice("甲乙丙丁戊己庚辛壬癸")
    return "".join(chars)


def test_copied_report_is_flagged_with_shared_paragraphs(seed_by_prefix):
    rnd = random.Random(7)
    original = [p for p in _paragraphs(seed_by_prefix("003")) if len(normalise_paragraph(p)) >= 30]
    other = [p for p in _paragraphs(seed_by_prefix("000")) if len(normalise_paragraph(p)) >= 30]
    copied_indexes = sorted(rnd.sample(range(len(original)), k=round(0.6 * len(original))))
    copy = []
    for index, paragraph in enumerate(original):
        # 60% copied with small edits; the rest replaced by unrelated text of another report.
        copy.append(_edit(paragraph, rnd) if index in copied_indexes else other[index % len(other)])
    report = detect_copies([("original.txt", original), ("copy.txt", copy)])

    assert len(report.flagged) == 1
    pair = report.flagged[0]
    assert (pair.a, pair.b) == ("copy.txt", "original.txt")
    assert pair.similarity >= 0.5
    shared_in_original = {s.index_b for s in pair.shared}
    # Most copied paragraphs are found, and nothing that was not copied is listed.
    assert len(shared_in_original & set(copied_indexes)) >= 0.8 * len(copied_indexes)
    assert shared_in_original <= set(copied_indexes)
    for shared in pair.shared:
        assert shared.text_a == copy[shared.index_a] and shared.text_b == original[shared.index_b]
        assert shared.similarity >= 0.85
    assert report.closest_of("copy.txt").other == "original.txt"
    assert report.closest_of("original.txt").similarity == pair.similarity


def test_different_reports_are_not_flagged(seed_by_prefix):
    report = detect_copies([(p, _paragraphs(seed_by_prefix(p))) for p in ("001", "002", "003")])
    assert report.flagged == ()
    assert all(closest.similarity < 0.3 for _, closest in report.closest)


def test_thresholds_are_configurable(seed_by_prefix):
    rnd = random.Random(3)
    original = [p for p in _paragraphs(seed_by_prefix("001")) if len(normalise_paragraph(p)) >= 30][:20]
    copy = [_edit(p, rnd) if i % 2 == 0 else f"本段为独立撰写的内容，编号{i}，与其他报告没有任何共同的表述和数字。" for i, p in enumerate(original)]
    reports = [("a", original), ("b", copy)]
    flagged = detect_copies(reports).flagged
    assert flagged and 0.4 <= flagged[0].similarity <= 0.6
    assert detect_copies(reports, CopyDetectConfig(flag_similarity=0.7)).flagged == ()
    # A stricter paragraph threshold finds fewer near-duplicates (the edits lower the cosine).
    strict = detect_copies(reports, CopyDetectConfig(paragraph_similarity=0.999, flag_similarity=0.01)).flagged
    assert not strict or strict[0].similarity < flagged[0].similarity


def test_short_paragraphs_are_ignored():
    shared_short = ["一、主要举措和成效", "（一）加强组织领导", "2023年12月28日"]
    report = detect_copies([("a", shared_short + ["甲" * 40]), ("b", shared_short + ["乙" * 40])])
    assert report.flagged == () and report.closest_of("a").other is None
    assert dict(report.eligible_paragraphs) == {"a": 1, "b": 1}


def _unique_paragraphs(rnd: random.Random, count: int) -> list[str]:
    alphabet = [chr(0x4E00 + i) for i in range(3000)]
    return ["".join(rnd.choice(alphabet) for _ in range(60)) for _ in range(count)]


def test_boilerplate_common_to_most_reports_is_left_out():
    rnd = random.Random(11)
    stock = "坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，全面贯彻党的二十大精神，扎实推进法治政府建设。"
    reports = [(f"r{i}", [stock] + _unique_paragraphs(rnd, 3)) for i in range(5)]
    report = detect_copies(reports)
    assert report.boilerplate_paragraphs == 1
    assert report.flagged == ()
    assert dict(report.eligible_paragraphs) == {f"r{i}": 3 for i in range(5)}
    # In a batch of two the same paragraph is not boilerplate: 1 of 4 paragraphs is shared.
    pair = detect_copies(reports[:2], CopyDetectConfig(flag_similarity=0.2))
    assert pair.boilerplate_paragraphs == 0 and pair.flagged[0].similarity == 0.25


def test_similarity_uses_the_shorter_report():
    rnd = random.Random(5)
    long_report = _unique_paragraphs(rnd, 10)
    short_report = long_report[:3] + _unique_paragraphs(rnd, 1)
    pair = detect_copies([("long", long_report), ("short", short_report)]).flagged[0]
    assert pair.shorter == "short" and pair.similarity == 0.75
    assert (pair.paragraphs_a, pair.paragraphs_b) == (10, 4)


def test_result_does_not_depend_on_input_order_or_block_size(seed_by_prefix):
    rnd = random.Random(2)
    base = [p for p in _paragraphs(seed_by_prefix("002")) if len(normalise_paragraph(p)) >= 30]
    reports = [("orig", base), ("copy1", [_edit(p, rnd) for p in base[::2]]), ("copy2", [_edit(p, rnd) for p in base[1::2]])]
    reports += [(f"noise{i}", _unique_paragraphs(rnd, 5)) for i in range(3)]
    first = detect_copies(reports)
    shuffled = list(reports)
    random.Random(9).shuffle(shuffled)
    second = detect_copies(shuffled, CopyDetectConfig(block_rows=3))
    assert first.flagged == second.flagged
    assert dict(first.closest) == dict(second.closest)
    assert {(p.a, p.b) for p in first.flagged} == {("copy1", "orig"), ("copy2", "orig")}


def test_candidate_search_finds_what_brute_force_finds(seeds):
    """The sketch-based candidate pairs lose nothing against the full product on real text."""
    rnd = random.Random(4)
    paragraphs = [p for path in seeds for p in _paragraphs(path) if len(normalise_paragraph(p)) >= 30]
    texts = list(dict.fromkeys(normalise_paragraph(p) for p in paragraphs))
    texts += [_edit(t, rnd, changes=rnd.randint(1, 6)) for t in rnd.sample(texts, 40)]
    texts = list(dict.fromkeys(texts))
    config = CopyDetectConfig(block_rows=17)
    vectors = tfidf_vectors(ngram_counts(texts, config))
    dense = (vectors @ vectors.T).toarray()
    np.fill_diagonal(dense, 0)
    for threshold in (0.5, 0.85):
        expected = {(i, j) for i, j in zip(*np.nonzero(np.triu(dense) >= threshold))}
        i, j, similarity = near_duplicate_pairs(vectors, threshold, config)
        assert set(zip(i.tolist(), j.tolist())) == expected
        assert np.allclose(similarity, dense[i, j], atol=1e-5)
    assert len(expected) >= 30  # the edited copies are near-duplicates of their originals


def test_ngram_counts_match_a_plain_count():
    config = CopyDetectConfig(ngram_min=2, ngram_max=3)
    counts = ngram_counts(["法治政府法治", "ab"], config)
    # 法治政府法治: bigrams 5 (法治 twice), trigrams 4; "ab": one bigram.
    assert counts[0].sum() == 9 and counts[1].sum() == 1
    assert counts[0].max() == 2  # 法治 counted twice in one feature (barring a hash collision)


def test_config_is_validated():
    with pytest.raises(ConfigError):
        CopyDetectConfig(paragraph_similarity=0)
    with pytest.raises(ConfigError):
        CopyDetectConfig(n_features=1000)


def test_degenerate_batches():
    assert detect_copies([]).closest == ()
    single = detect_copies([("only", ["甲" * 50])])
    assert single.flagged == () and single.closest_of("only").other is None
    with pytest.raises(ValueError):
        detect_copies([("same", ["甲" * 50]), ("same", ["乙" * 50])])


def test_listed_pairs_are_capped_but_all_are_counted_and_marked(seed_by_prefix):
    """A batch of near-copies flags pairs quadratic in its size; only the top ones carry paragraphs."""
    rnd = random.Random(7)
    base = _paragraphs(seed_by_prefix("003"))
    reports = [(f"copy{i:02d}.txt", [_edit(p, rnd) for p in base]) for i in range(8)]  # 28 pairs
    # Boilerplate detection off: here every paragraph is in every report on purpose.
    report = detect_copies(reports, CopyDetectConfig(max_listed_pairs=5, boilerplate_min_reports=100))
    assert report.flagged_total == 28
    assert len(report.flagged) == 5
    assert [p.similarity for p in report.flagged] == sorted((p.similarity for p in report.flagged), reverse=True)
    assert all(closest.other is not None for _, closest in report.closest)
