"""Copy detection across a batch: which reports share suspiciously many near-identical paragraphs.

Method (all sparse-matrix work, no Python loop over pairs of paragraphs):

1. Paragraphs shorter than ``min_paragraph_chars`` are ignored; identical paragraph texts are
   collapsed so verbatim boilerplate is vectorised once.
2. Each distinct paragraph becomes a TF-IDF vector over hashed character n-grams (2–4 by
   default; hashing keeps memory independent of the vocabulary, sklearn's ``TfidfTransformer``
   weights and normalises).
3. Candidate pairs come from a *bottom-k sketch*: every paragraph keeps ``prefix_features`` of its
   n-grams that occur in at least one and at most ``max_prefix_df`` other paragraphs (those with
   the lowest hashed id, i.e. a random but consistent choice), and a pair is a candidate when one
   paragraph's sketch hits the other's n-grams often enough (a sparse product, in row blocks).
   Near-duplicates share most of their n-grams and so most of their sketch, while the quadratic
   product over common n-grams such as 法治/政府/工作 is never formed.
4. Candidates are verified with the exact cosine of their TF-IDF vectors; pairs at or above
   ``paragraph_similarity`` are near-duplicates.
5. A paragraph with near-duplicates in more than ``boilerplate_share`` of the batch (batches of at
   least ``boilerplate_min_reports``) is boilerplate (stock phrases about 习近平法治思想 and the like)
   and is left out of both sides of the measure.
6. A pair of reports' similarity is the share of the shorter report's paragraphs (fewer eligible
   paragraphs) that have a near-duplicate in the other; pairs at or above ``flag_similarity`` are
   flagged and listed with their shared paragraphs.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np
from scipy import sparse

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
# Vectors
# ---------------------------------------------------------------------------------------------

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_MIX_1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX_2 = np.uint64(0xC4CEB9FE1A85EC53)
_CHUNK_CHARS = 500_000  # characters hashed at a time (bounds the transient arrays)
_VERIFY_ENTRIES = 2_000_000  # non-zeros of candidate rows copied at a time for the exact cosine


def _hash_chunk(texts: Sequence[str], config: CopyDetectConfig) -> sparse.csr_matrix:
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    n_max = config.ngram_max
    # Pad so that positions + k never run off the end; the padded tail is masked out below.
    codes = np.zeros(int(lengths.sum()) + n_max, dtype=np.uint64)
    codes[: int(lengths.sum())] = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    ends = np.repeat(np.cumsum(lengths), lengths)
    rows_of = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
    positions = np.arange(len(ends), dtype=np.int64)
    mask = np.uint64(config.n_features - 1)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    value = np.full(len(positions), _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):  # uint64 wrap-around is the hash
        for k in range(n_max):
            # After k+1 steps ``value`` is the FNV-1a hash of the (k+1)-gram starting at each position.
            value = (value ^ codes[k : k + len(positions)]) * _FNV_PRIME
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
            cols.append((mixed & mask).astype(np.int32))
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int32)
    col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
    counts = sparse.coo_matrix(
        (np.ones(len(row), dtype=np.float32), (row, col)), shape=(len(texts), config.n_features)
    ).tocsr()
    counts.sum_duplicates()
    return counts


def ngram_counts(texts: Sequence[str], config: CopyDetectConfig) -> sparse.csr_matrix:
    """Hashed character n-gram counts (float32), one row per text, hashed a chunk at a time."""
    datas: list[np.ndarray] = []
    indices: list[np.ndarray] = []
    indptrs: list[np.ndarray] = []
    start, offset = 0, 0
    while start < len(texts):
        end, size = start, 0
        while end < len(texts) and (size == 0 or size + len(texts[end]) <= _CHUNK_CHARS):
            size += len(texts[end])
            end += 1
        chunk = _hash_chunk(texts[start:end], config)
        datas.append(chunk.data)
        indices.append(chunk.indices)
        # The rows of each chunk are canonical already: stacking only shifts indptr.
        indptrs.append(chunk.indptr[1:].astype(np.int64) + offset)
        offset += chunk.nnz
        start = end
    indptr = np.concatenate([np.zeros(1, dtype=np.int64), *indptrs])
    # Concatenate one array kind at a time, dropping the pieces, to keep the peak low.
    data = np.concatenate(datas) if datas else np.zeros(0, dtype=np.float32)
    del datas
    index = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
    del indices
    return sparse.csr_matrix((data, index, indptr), shape=(len(texts), config.n_features), copy=False)


def tfidf_vectors(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Sublinear TF-IDF, L2-normalised rows (sklearn), float32; ``counts`` is consumed."""
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(sublinear_tf=True, norm="l2").fit(counts)
    # In place: the counts become the vectors (float32 kept), no second copy of the batch.
    vectors = transformer.transform(counts, copy=False)
    return sparse.csr_matrix(vectors.astype(np.float32, copy=False), copy=False)


# ---------------------------------------------------------------------------------------------
# Near-duplicate paragraph pairs
# ---------------------------------------------------------------------------------------------


def _prefix_rows(indptr: np.ndarray, indices: np.ndarray, df: np.ndarray, k: int, max_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, ``k`` of its features shared with another row: (row ids, feature ids).

    A bottom-k sketch: among the row's features with 2 <= df <= max_df, the ``k`` with the lowest
    (hashed, hence random) feature id -- rows are sorted by feature id already, so this is a rank
    within the row and needs no sort. Rows with fewer such features (text repeated more than
    ``max_df`` times, e.g. near-verbatim stock phrases) take their rarest shared features instead.
    """
    n_rows = len(indptr) - 1
    row_ids = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(indptr))
    freq = df[indices]
    eligible = (freq >= 2) & (freq <= max_df)
    rows_e = row_ids[eligible]
    per_row = np.bincount(rows_e, minlength=n_rows)
    rank = np.arange(len(rows_e)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    chosen_rows = [rows_e[rank < k]]
    chosen_cols = [indices[eligible][rank < k].astype(np.int64)]
    short = per_row < k
    if short.any():
        pick = short[row_ids] & (freq >= 2)
        rows_s, cols_s, freq_s = row_ids[pick], indices[pick].astype(np.int64), freq[pick]
        order = np.lexsort((cols_s, freq_s, rows_s))  # by row, rarest first, ties by feature
        rows_s, cols_s = rows_s[order], cols_s[order]
        counts = np.bincount(rows_s, minlength=n_rows)
        rank_s = np.arange(len(rows_s)) - np.repeat(np.cumsum(counts) - counts, counts)
        chosen_rows.append(rows_s[rank_s < k])
        chosen_cols.append(cols_s[rank_s < k])
        # Rows topped up here must not keep their (fewer than k) sketch entries twice.
        keep_first = ~short[chosen_rows[0]]
        chosen_rows[0], chosen_cols[0] = chosen_rows[0][keep_first], chosen_cols[0][keep_first]
    return np.concatenate(chosen_rows), np.concatenate(chosen_cols)


def _restrict_columns(matrix: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """``matrix`` with only the entries in ``columns`` (a boolean mask over features) kept."""
    keep = columns[matrix.indices]
    row_ids = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))[keep]
    return sparse.csr_matrix(
        (matrix.data[keep], (row_ids, matrix.indices[keep])), shape=matrix.shape
    )


def near_duplicate_pairs(
    vectors: sparse.csr_matrix, threshold: float, config: CopyDetectConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i, j), i < j, of rows (L2-normalised) whose cosine >= threshold."""
    n_rows = vectors.shape[0]
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    if n_rows < 2:
        return empty
    df = np.bincount(vectors.indices, minlength=vectors.shape[1])  # rows are canonical: one entry per feature
    prefix_rows: list[np.ndarray] = []
    prefix_cols: list[np.ndarray] = []
    for start in range(0, n_rows, config.block_rows):
        stop = min(start + config.block_rows, n_rows)
        lo, hi = vectors.indptr[start], vectors.indptr[stop]
        rows, cols = _prefix_rows(
            vectors.indptr[start : stop + 1] - lo, vectors.indices[lo:hi], df, config.prefix_features, config.max_prefix_df
        )
        prefix_rows.append(rows + start)
        prefix_cols.append(cols)
    rows_all = np.concatenate(prefix_rows)
    prefix = sparse.csr_matrix(
        (np.ones(len(rows_all), dtype=np.float32), (rows_all, np.concatenate(prefix_cols))), shape=vectors.shape
    )
    # Only n-grams that are in some prefix can produce a hit: keep just those (mostly rare, so
    # this matrix is a small fraction of ``vectors``).
    in_prefix = np.zeros(vectors.shape[1], dtype=bool)
    in_prefix[prefix.indices] = True
    binary_rare = _restrict_columns(vectors, in_prefix)
    binary_rare.data[:] = 1.0
    binary_rare_t = binary_rare.T.tocsr()
    prefix_t = prefix.T.tocsr()
    # A near-duplicate shares most of its n-grams, hence most of its sketch. Of the
    # 2 * prefix_features possible hits (both directions) ask for 60% of 2 * prefix_features *
    # threshold: measured on seed paragraphs with random edits, pairs at cosine 0.85-0.9 had at
    # least 15 of 24 hits (this asks 12), while the bulk of unrelated-but-alike pairs (cosine
    # 0.3-0.5) had a median of 10 -- they are dropped before the exact (costlier) cosine.
    min_hits = max(2, int(1.2 * config.prefix_features * threshold))
    # Rows per block so that the hit matrix of a block stays near ``block_entries`` entries
    # (text repeated across the batch makes rows dense), and at most ``block_rows``.
    cost = prefix @ np.diff(binary_rare_t.indptr).astype(np.float64) + binary_rare @ np.diff(prefix_t.indptr).astype(np.float64)
    cumulative = np.cumsum(cost)
    row_nnz = np.diff(vectors.indptr).astype(np.int64)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_s: list[np.ndarray] = []
    start = 0
    while start < n_rows:
        done = cumulative[start - 1] if start else 0.0
        stop = int(np.searchsorted(cumulative, done + config.block_entries, side="right"))
        stop = min(max(stop, start + 1), start + config.block_rows, n_rows)
        # Hits: this row's sketch in the other's n-grams, plus the other's sketch in ours.
        hits = (prefix[start:stop] @ binary_rare_t) + (binary_rare[start:stop] @ prefix_t)
        keep = hits.data >= min_hits
        rows = np.repeat(np.arange(start, stop, dtype=np.int64), np.diff(hits.indptr))[keep]
        cols = hits.indices[keep].astype(np.int64)
        del hits, keep
        wanted = rows < cols
        rows, cols = rows[wanted], cols[wanted]
        # Exact cosines, a few million non-zeros at a time (row copies are the costly part).
        pair_cost = np.cumsum(row_nnz[rows] + row_nnz[cols])
        offset = 0
        while offset < len(rows):
            done = pair_cost[offset - 1] if offset else 0
            end = max(int(np.searchsorted(pair_cost, done + _VERIFY_ENTRIES, side="right")), offset + 1)
            i, j = rows[offset:end], cols[offset:end]
            offset = end
            cosine = np.asarray(vectors[i].multiply(vectors[j]).sum(axis=1)).ravel()
            close = cosine >= threshold - 1e-6
            found_i.append(i[close])
            found_j.append(j[close])
            found_s.append(np.minimum(cosine[close], 1.0).astype(np.float32))
        start = stop
    if not found_i:
        return empty
    return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)


# ---------------------------------------------------------------------------------------------
# Report-level measure
# ---------------------------------------------------------------------------------------------


def detect_copies(
    reports: Sequence[tuple[str, Sequence[str]]], config: CopyDetectConfig | None = None
) -> CopyReport:
    """Compare every report of the batch with every other; ``reports`` = (key, paragraphs) with unique keys."""
    config = config or CopyDetectConfig()
    keys = [key for key, _ in reports]
    if len(set(keys)) != len(keys):
        raise ValueError("report keys must be unique")
    n_reports = len(reports)

    # Occurrences of eligible paragraphs, and the distinct texts they carry.
    text_ids: dict[str, int] = {}
    occ_report: list[int] = []
    occ_index: list[int] = []
    occ_text: list[int] = []
    originals: list[list[str]] = []
    for report_no, (_, paragraphs) in enumerate(reports):
        originals.append([str(p) for p in paragraphs])
        for index, paragraph in enumerate(paragraphs):
            normalised = normalise_paragraph(paragraph)
            if len(normalised) < config.min_paragraph_chars:
                continue
            occ_report.append(report_no)
            occ_index.append(index)
            occ_text.append(text_ids.setdefault(normalised, len(text_ids)))
    texts = list(text_ids)
    n_texts = len(texts)
    occ_report_arr = np.asarray(occ_report, dtype=np.int64)
    occ_text_arr = np.asarray(occ_text, dtype=np.int64)

    if n_texts == 0 or n_reports < 2:
        counts = np.bincount(occ_report_arr, minlength=n_reports) if n_reports else np.zeros(0, dtype=np.int64)
        return CopyReport(
            config=config,
            closest=tuple((key, Closest(None, 0.0)) for key in keys),
            flagged=(),
            eligible_paragraphs=tuple((key, int(counts[i])) for i, key in enumerate(keys)),
        )

    vectors = tfidf_vectors(ngram_counts(texts, config))
    pair_i, pair_j, pair_s = near_duplicate_pairs(vectors, config.paragraph_similarity, config)

    # text x text near-duplicate relation (symmetric, identity included), with cosines.
    similar = sparse.coo_matrix(
        (
            np.concatenate([pair_s, pair_s, np.ones(n_texts, dtype=np.float32)]),
            (np.concatenate([pair_i, pair_j, np.arange(n_texts)]), np.concatenate([pair_j, pair_i, np.arange(n_texts)])),
        ),
        shape=(n_texts, n_texts),
    ).tocsr()
    adjacency = similar.copy()
    adjacency.data = np.ones_like(adjacency.data)

    # text x report: the text occurs in the report.
    incidence = sparse.coo_matrix(
        (np.ones(len(occ_text_arr), dtype=np.float32), (occ_text_arr, occ_report_arr)), shape=(n_texts, n_reports)
    ).tocsr()
    incidence.data = np.ones_like(incidence.data)

    # Boilerplate: the text or a near-duplicate of it is in more than boilerplate_share of the reports.
    reach = adjacency @ incidence
    reach.data = np.ones_like(reach.data)
    reports_reached = np.asarray(reach.sum(axis=1)).ravel()
    if n_reports >= config.boilerplate_min_reports:
        boilerplate = reports_reached > config.boilerplate_share * n_reports
    else:
        boilerplate = np.zeros(n_texts, dtype=bool)
    keep_text = sparse.diags((~boilerplate).astype(np.float32))
    adjacency_kept = keep_text @ adjacency @ keep_text
    adjacency_kept.eliminate_zeros()

    eligible_occ = ~boilerplate[occ_text_arr]
    eligible_counts = np.bincount(occ_report_arr[eligible_occ], minlength=n_reports)

    # occurrence x report: the paragraph has a near-duplicate in that report.
    occ_rows = np.flatnonzero(eligible_occ)
    occurrence = sparse.coo_matrix(
        (np.ones(len(occ_rows), dtype=np.float32), (np.arange(len(occ_rows)), occ_text_arr[occ_rows])),
        shape=(len(occ_rows), n_texts),
    ).tocsr()
    found_in = occurrence @ (adjacency_kept @ incidence)
    found_in.data = np.ones_like(found_in.data)
    owner = sparse.coo_matrix(
        (np.ones(len(occ_rows), dtype=np.float32), (occ_report_arr[occ_rows], np.arange(len(occ_rows)))),
        shape=(n_reports, len(occ_rows)),
    ).tocsr()
    shared_counts = (owner @ found_in).tocoo()  # [a, b] = paragraphs of a with a near-duplicate in b

    shared: dict[tuple[int, int], int] = {}
    for a, b, value in zip(shared_counts.row.tolist(), shared_counts.col.tolist(), shared_counts.data.tolist()):
        if a != b:
            shared[(a, b)] = int(round(value))

    pair_similarity: dict[tuple[int, int], tuple[float, int]] = {}  # (a<b) -> (similarity, shorter)
    for (a, b), count_ab in shared.items():
        if a > b:
            continue
        count_ba = shared.get((b, a), 0)
        ratio_a = count_ab / eligible_counts[a] if eligible_counts[a] else 0.0
        ratio_b = count_ba / eligible_counts[b] if eligible_counts[b] else 0.0
        if eligible_counts[a] < eligible_counts[b] or (eligible_counts[a] == eligible_counts[b] and ratio_a >= ratio_b):
            pair_similarity[(a, b)] = (float(ratio_a), a)
        else:
            pair_similarity[(a, b)] = (float(ratio_b), b)
    for (b, a), count_ba in shared.items():  # pairs seen only from the larger index
        if b > a and (a, b) not in pair_similarity:
            ratio_b = count_ba / eligible_counts[b] if eligible_counts[b] else 0.0
            pair_similarity[(a, b)] = (float(ratio_b), b)

    best: dict[int, tuple[float, int]] = {}
    for (a, b), (value, _) in pair_similarity.items():
        for me, other in ((a, b), (b, a)):
            current = best.get(me)
            if current is None or value > current[0] or (value == current[0] and keys[other] < keys[current[1]]):
                best[me] = (value, other)
    closest = tuple(
        (key, Closest(keys[best[i][1]], round(best[i][0], 4)) if i in best else Closest(None, 0.0))
        for i, key in enumerate(keys)
    )

    flagged: list[SimilarPair] = []
    occurrences_of: dict[int, list[tuple[int, int]]] = {}  # report -> [(paragraph index, text id)]
    for r, index, text in zip(occ_report, occ_index, occ_text):
        if not boilerplate[text]:
            occurrences_of.setdefault(r, []).append((index, text))
    over = [
        (a, b, value, shorter)
        for (a, b), (value, shorter) in pair_similarity.items()
        if value >= config.flag_similarity - 1e-9
    ]
    over.sort(key=lambda pair: (-round(pair[2], 4), min(keys[pair[0]], keys[pair[1]]), max(keys[pair[0]], keys[pair[1]])))
    for a, b, value, shorter in over[: config.max_listed_pairs]:
        longer = b if shorter == a else a
        in_longer: dict[int, list[int]] = {}
        for index, text in occurrences_of.get(longer, []):
            in_longer.setdefault(text, []).append(index)
        pieces: list[SharedParagraph] = []
        for index, text in occurrences_of.get(shorter, []):
            row = similar.getrow(text)
            match: tuple[float, int, int] | None = None  # (cosine, index in longer, text)
            for other_text, cosine in zip(row.indices.tolist(), row.data.tolist()):
                if boilerplate[other_text] or other_text not in in_longer:
                    continue
                candidate = (float(cosine), -in_longer[other_text][0], other_text)
                if match is None or candidate > match:
                    match = candidate
            if match is None:
                continue
            cosine, neg_index, _ = match
            mine = (index, originals[shorter][index])
            theirs = (-neg_index, originals[longer][-neg_index])
            first, second = (mine, theirs) if shorter == a else (theirs, mine)
            pieces.append(SharedParagraph(first[0], second[0], first[1], second[1], round(cosine, 4)))
        key_a, key_b = keys[a], keys[b]
        counts_a, counts_b = int(eligible_counts[a]), int(eligible_counts[b])
        if key_a > key_b:  # present every pair as (smaller key, larger key)
            key_a, key_b, counts_a, counts_b = key_b, key_a, counts_b, counts_a
            pieces = [SharedParagraph(p.index_b, p.index_a, p.text_b, p.text_a, p.similarity) for p in pieces]
        flagged.append(
            SimilarPair(
                a=key_a,
                b=key_b,
                similarity=round(value, 4),
                shorter=keys[shorter],
                paragraphs_a=counts_a,
                paragraphs_b=counts_b,
                shared=tuple(pieces),
            )
        )
    flagged.sort(key=lambda pair: (-pair.similarity, pair.a, pair.b))
    return CopyReport(
        config=config,
        closest=closest,
        flagged=tuple(flagged),
        boilerplate_paragraphs=int(boilerplate.sum()),
        eligible_paragraphs=tuple((key, int(eligible_counts[i])) for i, key in enumerate(keys)),
        flagged_total=len(over),
    )
