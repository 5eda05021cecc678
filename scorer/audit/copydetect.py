"""Copy detection across a batch: which reports share suspiciously many near-identical paragraphs.

Built for a national sweep (tens of thousands of reports, a million paragraphs) in bounded memory:
the paragraph texts never meet in one place. Each report's paragraphs are reduced, in the worker
that scored it, to a compact sketch (about 120 bytes a paragraph); the batch compares sketches.

1. **Sketch** (``sketch_paragraphs``, per report): paragraphs shorter than ``min_paragraph_chars``
   are ignored; the rest, whitespace removed, become the set of their character n-grams (2–4 by
   default), each hashed to 64 bits. Kept per paragraph: a 64-bit hash of the whole text (identical
   paragraphs), the size of the n-gram set, and a MinHash signature of ``num_perm`` values -- for
   each of ``num_perm`` hash functions the minimum over the set, of which only the lowest byte is
   kept (b-bit minwise hashing).
2. **Identical texts** (same hash) are collapsed: verbatim boilerplate is handled once.
3. **Candidates by locality-sensitive hashing**: the signature is cut into ``bands`` bands of
   r = num_perm / bands values; two paragraphs are candidates when every value of some band agrees.
   Sorting each band's keys brings candidates next to each other: O(n log n) per band and work
   proportional to the candidates found -- never a loop over all pairs, so the whole is
   sub-quadratic. A pair whose n-gram sets have Jaccard similarity J is a candidate with
   probability 1 - (1 - J^r)^bands: with 20 bands of 5, 99 % at J = 0.72 (the lowest J two
   paragraphs at cosine 0.85 can have), 0.1 % at J = 0.2; unrelated paragraphs of real reports
   (J ≈ 0.01–0.05) almost never. A band bucket of more than ``max_bucket`` distinct texts (one stock
   phrase in countless variants) is compared within a window of ``bucket_window`` neighbours only,
   which keeps the family connected without its quadratic number of pairs.
4. **Verification**: the share of agreeing signature bytes estimates J (corrected for the 1/256
   chance that two bytes agree anyway); with the two set sizes this gives the cosine of the n-gram
   sets, |A∩B| / √(|A|·|B|). Pairs at or above ``paragraph_similarity`` are near-duplicates
   (standard error of the estimate about 0.03 near 0.85).
5. **Families** are the connected groups of near-duplicates. A family found in more than
   ``boilerplate_share`` of the reports, or in more than ``boilerplate_max_reports`` reports
   (batches of at least ``boilerplate_min_reports``), is boilerplate (stock phrases about
   习近平法治思想, a province's template) and is left out of both sides of the measure.
6. A pair of reports' similarity is the share of the shorter report's paragraphs (fewer eligible
   paragraphs) that have a family member in the other; pairs at or above ``flag_similarity`` are
   flagged, and the most similar ``max_listed_pairs`` are listed with their shared paragraphs
   (texts read back only for those reports, through ``paragraphs_of``).
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from scorer.model import (
    Closest,
    CopyDetectConfig,
    CopyReport,
    SharedParagraph,
    SimilarPair,
)

_WHITESPACE = re.compile(r"\s+")


def normalise_paragraph(text: str) -> str:
    """Whitespace-insensitive form used for comparison (edits of spacing are not differences)."""
    return _WHITESPACE.sub("", text)


# ---------------------------------------------------------------------------------------------
# Sketches (computed where the report was scored)
# ---------------------------------------------------------------------------------------------

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_BYTE_AGREE = 1.0 / 256  # chance that the lowest bytes of two unrelated minima agree
_MINHASH_SEED = 20240301  # fixed: sketches made by any run, on any machine, compare
_SKETCH_MAGIC = b"FZS1"
_VERIFY_PAIRS = 50_000  # candidate pairs verified at a time (bounds the transient signature copies: ~15 MB)


def ngram_hashes(texts: Sequence[str], config: CopyDetectConfig) -> tuple[np.ndarray, np.ndarray]:
    """Every character n-gram (``ngram_min``–``ngram_max``) of every text: (text number, 64-bit hash)."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    total = int(lengths.sum())
    n_max = config.ngram_max
    # Pad so that positions + k never run off the end; the padded tail is masked out below.
    codes = np.zeros(total + n_max, dtype=np.uint64)
    codes[:total] = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    ends = np.repeat(np.cumsum(lengths), lengths)
    rows_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    positions = np.arange(total, dtype=np.int64)
    rows: list[np.ndarray] = []
    hashes: list[np.ndarray] = []
    value = np.full(total, _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):  # uint64 wrap-around is the hash
        for k in range(n_max):
            # After k+1 steps ``value`` is the FNV-1a hash of the (k+1)-gram starting at each position.
            value = (value ^ codes[k : k + total]) * _FNV_PRIME
            n = k + 1
            if n < config.ngram_min:
                continue
            valid = positions + n <= ends
            mixed = value[valid] ^ np.uint64(n)
            mixed ^= mixed >> np.uint64(33)
            mixed *= _MIX_1
            mixed ^= mixed >> np.uint64(33)
            mixed *= _MIX_2
            mixed ^= mixed >> np.uint64(33)
            rows.append(rows_of[valid])
            hashes.append(mixed)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return np.concatenate(rows), np.concatenate(hashes)


def ngram_counts(texts: Sequence[str], config: CopyDetectConfig, n_features: int = 2**20) -> sparse.csr_matrix:
    """Hashed character n-gram counts (float32), one row per text, ``n_features`` (a power of two) columns.

    The same n-grams and hashes as the sketches; the year-over-year comparison takes exact cosines
    of these rows (two reports at a time, so a plain matrix is small).
    """
    rows, hashes = ngram_hashes(texts, config)
    columns = (hashes & np.uint64(n_features - 1)).astype(np.int32)
    counts = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(texts), n_features)
    ).tocsr()
    counts.sum_duplicates()
    return counts


def _minhash_parameters(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_MINHASH_SEED)
    multipliers = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
    offsets = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return multipliers, offsets


def _text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(frozen=True, eq=False)
class ParagraphSketches:
    """The copy-detection sketch of one report: one entry per paragraph long enough to compare."""

    index: np.ndarray  # uint32: the paragraph's position among the paragraphs sketched
    text_hash: np.ndarray  # uint64: hash of the whitespace-free text
    size: np.ndarray  # uint32: distinct n-grams
    signature: np.ndarray  # uint8 [n, num_perm]: lowest byte of each MinHash minimum

    def __len__(self) -> int:
        return len(self.index)

    def to_bytes(self) -> bytes:
        n, num_perm = self.signature.shape
        return b"".join(
            (
                _SKETCH_MAGIC,
                struct.pack("<IH", n, num_perm),
                self.index.astype("<u4").tobytes(),
                self.text_hash.astype("<u8").tobytes(),
                self.size.astype("<u4").tobytes(),
                np.ascontiguousarray(self.signature, dtype=np.uint8).tobytes(),
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> "ParagraphSketches":
        if data[:4] != _SKETCH_MAGIC or len(data) < 10:
            raise ValueError("not a paragraph sketch")
        n, num_perm = struct.unpack_from("<IH", data, 4)
        offset = 10
        if len(data) != offset + n * (4 + 8 + 4 + num_perm):
            raise ValueError("truncated paragraph sketch")

        def take(dtype: str, count: int) -> np.ndarray:
            nonlocal offset
            array = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
            offset += array.nbytes
            return array

        index = take("<u4", n)
        text_hash = take("<u8", n)
        size = take("<u4", n)
        signature = take("u1", n * num_perm).reshape(n, num_perm)
        return cls(index, text_hash, size, signature)


def sketch_paragraphs(paragraphs: Sequence[str], config: CopyDetectConfig | None = None) -> ParagraphSketches:
    """The sketch of one report's paragraphs (``index`` refers to positions in ``paragraphs``)."""
    config = config or CopyDetectConfig()
    normalised = [normalise_paragraph(str(p)) for p in paragraphs]
    kept = [i for i, text in enumerate(normalised) if len(text) >= config.min_paragraph_chars]
    texts = [normalised[i] for i in kept]
    num_perm = config.num_perm
    if not texts:
        return ParagraphSketches(
            np.zeros(0, np.uint32), np.zeros(0, np.uint64), np.zeros(0, np.uint32), np.zeros((0, num_perm), np.uint8)
        )
    rows, hashes = ngram_hashes(texts, config)
    # Sets, not bags: one entry per distinct n-gram of each text.
    order = np.lexsort((hashes, rows))
    rows, hashes = rows[order], hashes[order]
    distinct = np.ones(len(rows), dtype=bool)
    distinct[1:] = (rows[1:] != rows[:-1]) | (hashes[1:] != hashes[:-1])
    rows, hashes = rows[distinct], hashes[distinct]
    sizes = np.bincount(rows, minlength=len(texts)).astype(np.uint32)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])  # every kept text has n-grams
    multipliers, offsets = _minhash_parameters(num_perm)
    signature = np.empty((len(texts), num_perm), dtype=np.uint8)
    shift = np.uint64(32)
    with np.errstate(over="ignore"):
        for k in range(num_perm):
            # Multiply-shift hashing: the high 32 bits of a*x + b (mod 2^64) are a good permutation.
            values = (hashes * multipliers[k] + offsets[k]) >> shift
            signature[:, k] = np.minimum.reduceat(values, starts) & np.uint64(0xFF)
    return ParagraphSketches(
        index=np.asarray(kept, dtype=np.uint32),
        text_hash=np.fromiter((_text_hash(t) for t in texts), dtype=np.uint64, count=len(texts)),
        size=sizes,
        signature=signature,
    )


# ---------------------------------------------------------------------------------------------
# The batch's sketches, side by side
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class SketchTable:
    """Every report's sketches in flat arrays (one row per eligible paragraph occurrence)."""

    keys: list[str]  # report keys, in the order given
    report: np.ndarray  # int32: row -> report number
    index: np.ndarray  # uint32
    text_hash: np.ndarray  # uint64
    size: np.ndarray  # uint32
    signature: np.ndarray  # uint8 [rows, num_perm]

    @classmethod
    def build(
        cls, reports: Iterable[tuple[str, ParagraphSketches]], num_perm: int, total_rows: int | None = None
    ) -> "SketchTable":
        """Stack sketches; with ``total_rows`` known the arrays are filled in place (no second copy)."""
        keys: list[str] = []
        if total_rows is None:
            reports = list(reports)
            total_rows = sum(len(s) for _, s in reports)
        table = cls(
            keys=keys,
            report=np.empty(total_rows, dtype=np.int32),
            index=np.empty(total_rows, dtype=np.uint32),
            text_hash=np.empty(total_rows, dtype=np.uint64),
            size=np.empty(total_rows, dtype=np.uint32),
            signature=np.empty((total_rows, num_perm), dtype=np.uint8),
        )
        at = 0
        for key, sketch in reports:
            n = len(sketch)
            if at + n > total_rows:
                raise ValueError("more sketch rows than announced")
            if n and sketch.signature.shape[1] != num_perm:
                raise ValueError("sketches made with a different num_perm")
            table.report[at : at + n] = len(keys)
            table.index[at : at + n] = sketch.index
            table.text_hash[at : at + n] = sketch.text_hash
            table.size[at : at + n] = sketch.size
            table.signature[at : at + n] = sketch.signature
            keys.append(key)
            at += n
        if at != total_rows:
            raise ValueError("fewer sketch rows than announced")
        return table


# ---------------------------------------------------------------------------------------------
# Near-duplicate paragraph pairs
# ---------------------------------------------------------------------------------------------


def estimated_cosine(matches: np.ndarray, num_perm: int, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """Cosine of two n-gram sets from the number of agreeing signature bytes and the set sizes."""
    share = matches.astype(np.float64) / num_perm
    jaccard = np.clip((share - _BYTE_AGREE) / (1.0 - _BYTE_AGREE), 0.0, 1.0)
    size_a = size_a.astype(np.float64)
    size_b = size_b.astype(np.float64)
    common = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return np.minimum(common / np.sqrt(size_a * size_b), 1.0)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for large integer arrays by sorting (numpy 2's hash-based unique is far slower here)."""
    if len(values) == 0:
        return values
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _pairs_in_runs(order: np.ndarray, starts: np.ndarray, lengths: np.ndarray, span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (order[p], order[q]), p < q <= p + span, within each run [start, start + length)."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    run = np.repeat(np.arange(len(starts)), lengths)
    offset = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = starts[run] + offset
    count = np.minimum(lengths[run] - 1 - offset, span[run])
    first = np.repeat(position, count)
    step = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count) + 1
    return order[first].astype(np.int64), order[first + step].astype(np.int64)


def _band_pairs(signature: np.ndarray, rows: np.ndarray, band: int, config: CopyDetectConfig) -> np.ndarray:
    """Pairs of ``rows`` whose values agree in one band, as sorted codes i * n + j (i < j)."""
    n = len(rows)
    per_band = config.num_perm // config.bands
    keys = np.zeros(n, dtype=np.uint64)
    for column in range(band * per_band, (band + 1) * per_band):  # the band's bytes as one integer
        keys <<= np.uint64(8)
        keys |= signature[rows, column]
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    del keys
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    lengths = np.diff(np.r_[starts, n])
    shared = lengths >= 2
    starts, lengths = starts[shared], lengths[shared]
    span = np.where(lengths > config.max_bucket, config.bucket_window, lengths - 1)
    i, j = _pairs_in_runs(order, starts, lengths, span)
    return sorted_unique(np.minimum(i, j) * n + np.maximum(i, j))


def _verify(codes: np.ndarray, signature: np.ndarray, size: np.ndarray, rows: np.ndarray, config: CopyDetectConfig):
    """The candidate pairs (codes) whose estimated cosine reaches the threshold, with that cosine."""
    n = len(rows)
    kept_codes: list[np.ndarray] = []
    kept_cosines: list[np.ndarray] = []
    for start in range(0, len(codes), _VERIFY_PAIRS):
        chunk = codes[start : start + _VERIFY_PAIRS]
        ri, rj = rows[chunk // n], rows[chunk % n]
        matches = np.count_nonzero(signature[ri] == signature[rj], axis=1)
        cosine = estimated_cosine(matches, config.num_perm, size[ri], size[rj])
        close = cosine >= config.paragraph_similarity - 1e-9
        kept_codes.append(chunk[close])
        kept_cosines.append(cosine[close].astype(np.float32))
    if not kept_codes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(kept_codes), np.concatenate(kept_cosines)


def near_duplicate_pairs(
    signature: np.ndarray, size: np.ndarray, rows: np.ndarray, config: CopyDetectConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pairs (i, j), i < j, of positions in ``rows`` whose estimated cosine >= paragraph_similarity.

    Band by band: each band's candidates are verified at once, and only the near-duplicates are
    kept, so memory follows the candidates of one band, not of all. Returns (i, j, cosine, number
    of candidate pairs verified).
    """
    n = len(rows)
    found = np.zeros(0, dtype=np.int64)  # sorted codes of the near-duplicates so far
    cosines = np.zeros(0, dtype=np.float32)
    verified = 0
    for band in range(config.bands):
        codes = _band_pairs(signature, rows, band, config)
        if len(found):  # a near-duplicate agrees in many bands: verify it once
            at = np.minimum(np.searchsorted(found, codes), len(found) - 1)
            codes = codes[found[at] != codes]
        verified += len(codes)
        close, cosine = _verify(codes, signature, size, rows, config)
        if len(close):
            merged = np.concatenate([found, close])
            order = np.argsort(merged, kind="stable")
            found, cosines = merged[order], np.concatenate([cosines, cosine])[order]
    return found // max(n, 1), found % max(n, 1), cosines, verified


# ---------------------------------------------------------------------------------------------
# Report-level measure
# ---------------------------------------------------------------------------------------------


def detect_copies(
    reports: Sequence[tuple[str, Sequence[str]]], config: CopyDetectConfig | None = None
) -> CopyReport:
    """Compare every report of the batch with every other; ``reports`` = (key, paragraphs) with unique keys."""
    config = config or CopyDetectConfig()
    texts = {key: list(paragraphs) for key, paragraphs in reports}
    if len(texts) != len(reports):
        raise ValueError("report keys must be unique")
    sketches = [(key, sketch_paragraphs(paragraphs, config)) for key, paragraphs in reports]
    table = SketchTable.build(sketches, config.num_perm)
    return detect_copies_in_table(table, config, texts.get)


@dataclass(frozen=True)
class _Pairs:
    """Report pairs with their similarity (a < b by report number)."""

    a: np.ndarray
    b: np.ndarray
    value: np.ndarray
    shorter: np.ndarray


def detect_copies_in_table(
    table: SketchTable,
    config: CopyDetectConfig | None = None,
    paragraphs_of: Callable[[str], Sequence[str] | None] = lambda key: None,
) -> CopyReport:
    """Copy detection over a batch's sketches; ``paragraphs_of(key)`` gives a report's paragraphs
    back (the ones sketched, same positions) for the listed pairs, or None when it cannot."""
    config = config or CopyDetectConfig()
    keys = table.keys
    if len(set(keys)) != len(keys):
        raise ValueError("report keys must be unique")
    n_reports = len(keys)
    occ_report = table.report.astype(np.int64)
    n_occ = len(occ_report)

    if n_occ == 0 or n_reports < 2:
        counts = np.bincount(occ_report, minlength=n_reports) if n_reports else np.zeros(0, dtype=np.int64)
        return CopyReport(
            config=config,
            closest=tuple((key, Closest(None, 0.0)) for key in keys),
            flagged=(),
            eligible_paragraphs=tuple((key, int(counts[i])) for i, key in enumerate(keys)),
            compared_paragraphs=0,
        )

    # Distinct texts, numbered by hash (so nothing depends on the order of the reports).
    _, first_occ, occ_text = np.unique(table.text_hash, return_index=True, return_inverse=True)
    occ_text = occ_text.ravel().astype(np.int64)
    n_texts = len(first_occ)
    pair_i, pair_j, pair_s, candidates = near_duplicate_pairs(table.signature, table.size, first_occ, config)

    # Families: connected groups of near-duplicate texts.
    graph = sparse.coo_matrix((np.ones(len(pair_i), dtype=np.int8), (pair_i, pair_j)), shape=(n_texts, n_texts))
    _, family_of_text = connected_components(graph, directed=False)
    family_of_occ = family_of_text[occ_text].astype(np.int64)
    n_families = int(family_of_text.max()) + 1

    # Reports each family is found in.
    family_report = sorted_unique(family_of_occ * n_reports + occ_report)
    reach = np.bincount(family_report // n_reports, minlength=n_families)
    if n_reports >= config.boilerplate_min_reports:
        boilerplate_family = (reach > config.boilerplate_share * n_reports) | (reach > config.boilerplate_max_reports)
    else:
        boilerplate_family = np.zeros(n_families, dtype=bool)
    eligible_occ = ~boilerplate_family[family_of_occ]
    eligible_counts = np.bincount(occ_report[eligible_occ], minlength=n_reports)

    pairs = _report_pairs(occ_report, family_of_occ, eligible_occ, reach, eligible_counts, n_reports, n_families)
    closest = _closest(pairs, keys)
    over = pairs.value >= config.flag_similarity - 1e-9
    flagged_total = int(over.sum())
    listed = _top_pairs(pairs, over, keys, config.max_listed_pairs)
    flagged = [
        _similar_pair(a, b, value, shorter, table, family_of_occ, eligible_occ, eligible_counts, config, paragraphs_of)
        for a, b, value, shorter in listed
    ]
    flagged.sort(key=lambda pair: (-pair.similarity, pair.a, pair.b))
    return CopyReport(
        config=config,
        closest=closest,
        flagged=tuple(flagged),
        boilerplate_paragraphs=int(boilerplate_family[family_of_text].sum()),
        eligible_paragraphs=tuple((key, int(eligible_counts[i])) for i, key in enumerate(keys)),
        flagged_total=flagged_total,
        compared_paragraphs=int(n_texts),
        candidate_pairs=int(candidates),
        near_duplicate_pairs=int(len(pair_i)),
    )


def _report_pairs(
    occ_report: np.ndarray,
    family_of_occ: np.ndarray,
    eligible_occ: np.ndarray,
    reach: np.ndarray,
    eligible_counts: np.ndarray,
    n_reports: int,
    n_families: int,
) -> _Pairs:
    """Every pair of reports sharing an eligible family, with its similarity and shorter report."""
    # Only families found in two reports or more can be shared: usually a small minority.
    shared_occ = eligible_occ & (reach[family_of_occ] >= 2)
    reports = occ_report[shared_occ]
    families = family_of_occ[shared_occ]
    # [report, family] = the report's paragraphs in that family; presence = 1 where any.
    counts = sparse.csr_matrix(
        (np.ones(len(reports), dtype=np.float64), (reports, families)), shape=(n_reports, n_families)
    )
    counts.sum_duplicates()
    presence = counts.copy()
    presence.data[:] = 1.0
    # shared[a, b] = paragraphs of a with a family member in b.
    shared = (counts @ presence.T).tocoo()
    off = shared.row != shared.col
    a_all, b_all = shared.row[off].astype(np.int64), shared.col[off].astype(np.int64)
    count_all = np.rint(shared.data[off]).astype(np.int64)
    # Both directions are present (presence is symmetric in sharing): pair them up.
    code_ab = a_all * n_reports + b_all
    order = np.argsort(code_ab)
    code_ab, a_all, b_all, count_all = code_ab[order], a_all[order], b_all[order], count_all[order]
    forward = a_all < b_all
    a, b, count_a = a_all[forward], b_all[forward], count_all[forward]
    reverse_at = np.searchsorted(code_ab, b * n_reports + a)
    count_b = count_all[reverse_at]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_a = np.where(eligible_counts[a] > 0, count_a / np.maximum(eligible_counts[a], 1), 0.0)
        ratio_b = np.where(eligible_counts[b] > 0, count_b / np.maximum(eligible_counts[b], 1), 0.0)
    a_is_shorter = (eligible_counts[a] < eligible_counts[b]) | (
        (eligible_counts[a] == eligible_counts[b]) & (ratio_a >= ratio_b)
    )
    return _Pairs(
        a=a,
        b=b,
        value=np.where(a_is_shorter, ratio_a, ratio_b),
        shorter=np.where(a_is_shorter, a, b),
    )


def _key_ranks(keys: Sequence[str]) -> np.ndarray:
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return ranks


def _closest(pairs: _Pairs, keys: Sequence[str]) -> tuple[tuple[str, Closest], ...]:
    """Per report, the most similar other report (ties: the smaller key)."""
    ranks = _key_ranks(keys)
    me = np.concatenate([pairs.a, pairs.b])
    other = np.concatenate([pairs.b, pairs.a])
    value = np.concatenate([pairs.value, pairs.value])
    best: dict[int, tuple[int, float]] = {}
    if len(me):
        order = np.lexsort((ranks[other], -value, me))
        first = np.r_[True, me[order][1:] != me[order][:-1]]
        for index in order[first].tolist():
            best[int(me[index])] = (int(other[index]), float(value[index]))
    return tuple(
        (key, Closest(keys[best[i][0]], round(best[i][1], 4)) if i in best else Closest(None, 0.0))
        for i, key in enumerate(keys)
    )


def _top_pairs(pairs: _Pairs, over: np.ndarray, keys: Sequence[str], limit: int) -> list[tuple[int, int, float, int]]:
    """The ``limit`` flagged pairs to list: most similar first, then by keys."""
    ranks = _key_ranks(keys)
    a, b, value, shorter = pairs.a[over], pairs.b[over], pairs.value[over], pairs.shorter[over]
    low = np.minimum(ranks[a], ranks[b])
    high = np.maximum(ranks[a], ranks[b])
    order = np.lexsort((high, low, -np.round(value, 4)))[:limit]
    return [(int(a[k]), int(b[k]), float(value[k]), int(shorter[k])) for k in order.tolist()]


def _similar_pair(
    a: int,
    b: int,
    value: float,
    shorter: int,
    table: SketchTable,
    family_of_occ: np.ndarray,
    eligible_occ: np.ndarray,
    eligible_counts: np.ndarray,
    config: CopyDetectConfig,
    paragraphs_of: Callable[[str], Sequence[str] | None],
) -> SimilarPair:
    """A flagged pair with its shared paragraphs (in the shorter report's order)."""
    keys = table.keys
    longer = b if shorter == a else a
    rows_short = np.flatnonzero((table.report == shorter) & eligible_occ)
    rows_long = np.flatnonzero((table.report == longer) & eligible_occ)
    texts_short = paragraphs_of(keys[shorter])
    texts_long = paragraphs_of(keys[longer])
    pieces: list[SharedParagraph] = []
    if texts_short is not None and texts_long is not None:
        by_family: dict[int, list[int]] = {}
        for row in rows_long.tolist():
            by_family.setdefault(int(family_of_occ[row]), []).append(row)
        for row in sorted(rows_short.tolist(), key=lambda r: int(table.index[r])):
            candidates = by_family.get(int(family_of_occ[row]))
            if not candidates:
                continue
            others = np.asarray(candidates)
            matches = np.count_nonzero(table.signature[others] == table.signature[row], axis=1)
            cosine = estimated_cosine(matches, config.num_perm, table.size[others], np.full(len(others), table.size[row]))
            cosine[table.text_hash[others] == table.text_hash[row]] = 1.0
            # Best match; ties: the earliest paragraph of the longer report.
            pick = max(range(len(others)), key=lambda k: (round(float(cosine[k]), 6), -int(table.index[others[k]])))
            mine, theirs = int(table.index[row]), int(table.index[others[pick]])
            if mine >= len(texts_short) or theirs >= len(texts_long):
                continue  # the file changed since it was scored: list nothing rather than wrong text
            first, second = ((mine, texts_short[mine]), (theirs, texts_long[theirs]))
            if shorter != a:
                first, second = second, first
            pieces.append(SharedParagraph(first[0], second[0], first[1], second[1], round(float(cosine[pick]), 4)))
    key_a, key_b = keys[a], keys[b]
    counts_a, counts_b = int(eligible_counts[a]), int(eligible_counts[b])
    if key_a > key_b:  # present every pair as (smaller key, larger key)
        key_a, key_b, counts_a, counts_b = key_b, key_a, counts_b, counts_a
        pieces = [SharedParagraph(p.index_b, p.index_a, p.text_b, p.text_a, p.similarity) for p in pieces]
    return SimilarPair(
        a=key_a,
        b=key_b,
        similarity=round(value, 4),
        shorter=keys[shorter],
        paragraphs_a=counts_a,
        paragraphs_b=counts_b,
        shared=tuple(pieces),
    )


def sketch_fingerprint(config: CopyDetectConfig) -> str:
    """What a stored sketch depends on: sketches with another fingerprint must be made again."""
    return f"minhash-{_MINHASH_SEED}-b8-p{config.num_perm}-n{config.ngram_min}-{config.ngram_max}-min{config.min_paragraph_chars}"

