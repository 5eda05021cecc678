"""Would a learned item tagger add to the packs' phrase rules? Cross-validated by report; writes nothing.

    .venv/bin/python training/evaluate_item_tagger.py

For every labelled sentence the gold ``items`` (content items of the report's 纲要 pack, from the
corpus gold files) are compared with

* ``rules``: the items whose signal groups (item or part ``signals`` of the packs in ``rules/``)
  match the sentence text: the matcher's phrase evidence at sentence level, without similarity,
  roles or thresholds;
* ``model``: one-vs-rest logistic regressions over the sentence model's character n-grams, one per
  item with at least two positive training sentences, fitted only on sentences of reports that use
  that item's pack; tagged when P >= 0.5;
* ``rules OR model``: either.

Two models: L2 (C=10, balanced) and L1 (liblinear, C=20, balanced: sparse, a few hundred
coefficients per item set). Same three regimes as the sentence model. Micro precision/recall/F1
over (sentence, item) pairs.
"""

from __future__ import annotations

import collections
import csv
import sys
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_sentence_model as T  # noqa: E402

from scorer.judge import sentence_model as sm  # noqa: E402
from scorer.rules import load_packs  # noqa: E402

CONTENT_PACKS = ("gangyao-2021", "gangyao-2015")


def report_packs(corpus: Path) -> dict[str, str]:
    """Report file -> its content pack, from the gold files of the seeds and of dev/."""
    found: dict[str, str] = {}
    for path in sorted((corpus / "gold").glob("*.csv")) + sorted((corpus / "dev" / "gold").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["pack"] in CONTENT_PACKS:
                    found[row["file"]] = row["pack"]
    return found


def main() -> int:
    warnings.filterwarnings("ignore")
    corpus = T.corpus_dir()
    sentences = T.read_sentences(corpus)
    pack_of = report_packs(corpus)
    packs = load_packs()
    items = {pid: [item for item in packs[pid].items if item.signals] for pid in CONTENT_PACKS}
    ids = {pid: {item.id for item in items[pid]} for pid in CONTENT_PACKS}

    def rule_tags(s: T.Sentence) -> set[str]:
        lowered = s.text.lower()
        return {
            item.id
            for item in items[pack_of[s.file]]
            if any(group.matches(lowered) for group in (*item.signals, *(g for part in item.parts for g in part.signals)))
        }

    gold = [set(s.items) & ids[pack_of[s.file]] for s in sentences]
    rules = [rule_tags(s) for s in sentences]

    def model_tags(kind: str, train: Sequence[int], test: Sequence[int]) -> list[set[str]]:
        vectorizer = TfidfVectorizer(analyzer=lambda i: sm.char_ngrams(sentences[i].text), sublinear_tf=True, min_df=2)
        x_train, x_test = vectorizer.fit_transform(train), vectorizer.transform(test)
        out: list[set[str]] = [set() for _ in test]
        counts = collections.Counter(item for j in train for item in gold[j])
        for item in sorted(counts):
            if counts[item] < 2:
                continue
            rows = [k for k, j in enumerate(train) if item in ids[pack_of[sentences[j].file]]]
            y = np.asarray([item in gold[train[k]] for k in rows])
            if kind == "l1":
                model = LogisticRegression(penalty="l1", solver="liblinear", C=20, class_weight="balanced", random_state=T.SEED)
            else:
                model = LogisticRegression(C=10, class_weight="balanced", max_iter=2000)
            model.fit(x_train[rows], y)
            p = model.predict_proba(x_test)[:, 1]
            for k, j in enumerate(test):
                if p[k] >= 0.5 and item in ids[pack_of[sentences[j].file]]:
                    out[k].add(item)
        return out

    def prf(predicted: Sequence[set[str]], indexes: Sequence[int]) -> str:
        tp = sum(len(predicted[k] & gold[j]) for k, j in enumerate(indexes))
        fp = sum(len(predicted[k] - gold[j]) for k, j in enumerate(indexes))
        fn = sum(len(gold[j] - predicted[k]) for k, j in enumerate(indexes))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"{p:.3f} {r:.3f} {f:.3f}"

    seeds = [i for i, s in enumerate(sentences) if s.source == "seeds"]
    dev = [i for i, s in enumerate(sentences) if s.source == "dev"]
    everything = list(range(len(sentences)))
    folds = list(GroupKFold(n_splits=5).split(np.zeros(len(sentences)), groups=[s.file for s in sentences]))
    print(f"{'regime':<22} {'model':<4} {'rules P R F1':<20} {'model P R F1':<20} {'rules OR model P R F1'}")
    for kind in ("l2", "l1"):
        runs = {"a: seeds -> dev": (seeds, dev), "b: dev -> seeds": (dev, seeds)}
        for name, (train, test) in runs.items():
            tags = model_tags(kind, train, test)
            union = [rules[j] | tags[k] for k, j in enumerate(test)]
            print(f"{name:<22} {kind:<4} {prf([rules[j] for j in test], test):<20} {prf(tags, test):<20} {prf(union, test)}", flush=True)
        pooled: list[set[str]] = [set() for _ in sentences]
        for train, test in folds:
            tags = model_tags(kind, list(train), list(test))
            for k, j in enumerate(test):
                pooled[j] = tags[k]
        union = [rules[j] | pooled[j] for j in everything]
        print(f"{'c: 5-fold by report':<22} {kind:<4} {prf(rules, everything):<20} {prf(pooled, everything):<20} {prf(union, everything)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
