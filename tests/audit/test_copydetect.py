"""Copy detection: near-duplicate paragraphs across reports, boilerplate, sketches and their estimates."""

from __future__ import annotations

import random

import numpy as np
import pytest

from scorer.audit.copydetect import (
    ParagraphSketches,
    SketchTable,
    detect_copies,
    detect_copies_in_table,
    estimated_cosine,
    ngram_hashes,
    near_duplicate_pairs,
    normalise_paragraph,
    sketch_paragraphs,
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


def test_boilerplate_in_variants_and_over_the_absolute_cap():
    rnd = random.Random(12)
    stock = "本年度坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，全面推进{}法治政府建设。"
    places = ["甲县", "乙县", "丙区", "丁市", "戊县", "己镇"]
    # Each report says the stock phrase with its own name: distinct texts, one family.
    reports = [(f"r{i}", [stock.format(place)] + _unique_paragraphs(rnd, 3)) for i, place in enumerate(places)]
    report = detect_copies(reports)
    assert report.boilerplate_paragraphs == len(places) and report.flagged == ()
    # Three of ten reports share a paragraph: under the share, over an absolute cap of two.
    shared = _unique_paragraphs(rnd, 1)[0]
    reports = [(f"s{i}", ([shared] if i < 3 else []) + _unique_paragraphs(rnd, 2)) for i in range(10)]
    assert detect_copies(reports, CopyDetectConfig(flag_similarity=0.2)).flagged_total == 3
    capped = detect_copies(reports, CopyDetectConfig(flag_similarity=0.2, boilerplate_max_reports=2))
    assert capped.flagged_total == 0 and capped.boilerplate_paragraphs == 1


def test_similarity_uses_the_shorter_report():
    rnd = random.Random(5)
    long_report = _unique_paragraphs(rnd, 10)
    short_report = long_report[:3] + _unique_paragraphs(rnd, 1)
    pair = detect_copies([("long", long_report), ("short", short_report)]).flagged[0]
    assert pair.shorter == "short" and pair.similarity == 0.75
    assert (pair.paragraphs_a, pair.paragraphs_b) == (10, 4)


def test_result_does_not_depend_on_input_order_or_bucket_window(seed_by_prefix):
    rnd = random.Random(2)
    base = [p for p in _paragraphs(seed_by_prefix("002")) if len(normalise_paragraph(p)) >= 30]
    reports = [("orig", base), ("copy1", [_edit(p, rnd) for p in base[::2]]), ("copy2", [_edit(p, rnd) for p in base[1::2]])]
    reports += [(f"noise{i}", _unique_paragraphs(rnd, 5)) for i in range(3)]
    first = detect_copies(reports)
    shuffled = list(reports)
    random.Random(9).shuffle(shuffled)
    # Every band bucket "crowded", but the window covers it: the same pairs are compared.
    second = detect_copies(shuffled, CopyDetectConfig(max_bucket=1, bucket_window=1000))
    assert first.flagged == second.flagged
    assert dict(first.closest) == dict(second.closest)
    assert {(p.a, p.b) for p in first.flagged} == {("copy1", "orig"), ("copy2", "orig")}


def _ngram_set(text: str, config: CopyDetectConfig) -> set[str]:
    return {text[i : i + n] for n in range(config.ngram_min, config.ngram_max + 1) for i in range(len(text) - n + 1)}


def _real_and_edited_texts(seeds, rnd: random.Random) -> list[str]:
    paragraphs = [p for path in seeds for p in _paragraphs(path) if len(normalise_paragraph(p)) >= 30]
    texts = list(dict.fromkeys(normalise_paragraph(p) for p in paragraphs))
    texts += [_edit(t, rnd, changes=rnd.randint(1, 6)) for t in rnd.sample(texts, 40)]
    return list(dict.fromkeys(texts))


def test_sketch_estimates_the_cosine_of_ngram_sets(seeds):
    """On real paragraphs and edited copies, the estimate stays close to the exact set cosine."""
    config = CopyDetectConfig()
    texts = _real_and_edited_texts(seeds, random.Random(4))
    sketch = sketch_paragraphs(texts, config)
    sets = [_ngram_set(t, config) for t in texts]
    assert sketch.size.tolist() == [len(s) for s in sets]  # exact set sizes (no hash collision here)
    errors = []
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            common = len(sets[a] & sets[b])
            exact = common / np.sqrt(len(sets[a]) * len(sets[b]))
            matches = np.count_nonzero(sketch.signature[a] == sketch.signature[b])
            estimate = estimated_cosine(np.array([matches]), config.num_perm, sketch.size[[a]], sketch.size[[b]])[0]
            if exact >= 0.5 or estimate >= 0.5:
                errors.append(abs(exact - estimate))
    assert len(errors) >= 35  # the edited copies
    assert max(errors) < 0.1 and float(np.mean(errors)) < 0.03


def test_candidate_search_finds_what_comparing_every_pair_finds(seeds):
    """LSH banding loses (almost) nothing against comparing the sketches of every pair."""
    config = CopyDetectConfig()
    texts = _real_and_edited_texts(seeds, random.Random(4))
    sketch = sketch_paragraphs(texts, config)
    n = len(texts)
    rows = np.arange(n)
    a, b = np.triu_indices(n, k=1)
    matches = np.count_nonzero(sketch.signature[a] == sketch.signature[b], axis=1)
    every = estimated_cosine(matches, config.num_perm, sketch.size[a], sketch.size[b])
    for threshold in (0.6, 0.85):
        cfg = CopyDetectConfig(paragraph_similarity=threshold)
        expected = {(int(x), int(y)) for x, y, s in zip(a, b, every) if s >= threshold - 1e-9}
        i, j, similarity, candidates = near_duplicate_pairs(sketch.signature, sketch.size, rows, cfg)
        found = set(zip(i.tolist(), j.tolist()))
        assert found <= expected and len(found) >= 0.95 * len(expected)
        assert candidates < n * (n - 1) / 2 / 20  # far fewer comparisons than all pairs
    assert len(expected) >= 30  # the edited copies are near-duplicates of their originals


def test_sketches_round_trip_and_stack():
    texts = ["法治政府建设" * 8, "短句", "依法行政考核" * 9, "法治政府建设" * 8]
    sketch = sketch_paragraphs(texts)
    assert sketch.index.tolist() == [0, 2, 3]  # the short one is not sketched
    assert sketch.text_hash[0] == sketch.text_hash[2] != sketch.text_hash[1]
    again = ParagraphSketches.from_bytes(sketch.to_bytes())
    for name in ("index", "text_hash", "size", "signature"):
        assert np.array_equal(getattr(again, name), getattr(sketch, name))
    with pytest.raises(ValueError):
        ParagraphSketches.from_bytes(sketch.to_bytes()[:-1])
    table = SketchTable.build([("a", sketch), ("b", again)], num_perm=100, total_rows=6)
    assert table.keys == ["a", "b"] and table.report.tolist() == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError):
        SketchTable.build([("a", sketch)], num_perm=100, total_rows=5)
    # Without the texts the pair is still measured; only the shared paragraphs are not listed.
    report = detect_copies_in_table(table, CopyDetectConfig(flag_similarity=0.5))
    assert report.flagged[0].similarity == 1.0 and report.flagged[0].shared == ()


def test_ngram_hashes_cover_every_ngram():
    config = CopyDetectConfig(ngram_min=2, ngram_max=3)
    rows, hashes = ngram_hashes(["法治政府法治", "ab"], config)
    # 法治政府法治: bigrams 5 (法治 twice), trigrams 4; "ab": one bigram.
    assert np.bincount(rows).tolist() == [9, 1]
    assert len(set(hashes[rows == 0].tolist())) == 8  # 法治 twice, one hash


def test_config_is_validated():
    with pytest.raises(ConfigError):
        CopyDetectConfig(paragraph_similarity=0)
    with pytest.raises(ConfigError):
        CopyDetectConfig(num_perm=100, bands=7)
    with pytest.raises(ConfigError):
        CopyDetectConfig(num_perm=100, bands=10)  # 10 values a band: more than 8 bytes


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
