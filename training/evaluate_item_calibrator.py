"""Would a learned item-level judge separate 已覆盖 from 部分覆盖 better than the rules? Writes nothing.

    .venv/bin/python training/evaluate_item_calibrator.py

For every content item that both the rules and the gold call mentioned (covered or partial), on the
seeds and dev/, the features of the matcher's trace: the rules' own verdict, how many candidates,
strong action sentences, proving sentences and sentences with substance markers there are, the
highest P(act) of the sentence model, the highest relevance and similarity, quote-only, the share
of the item's parts found; optionally the item's id and the government's level (one-hot), so a
model could learn that supervisors are stricter on some items than on others.

A logistic regression is fitted leaving one report out at a time (all of its items held out) and
its covered/partial calls are compared with the rules' on the same items. Result (2026-12-06):
no variant beats the rules on dev/ by more than noise (rules 0.729, models 0.725–0.739 accuracy)
and every variant loses on the seeds (rules 0.955, models 0.845–0.918): the covered/partial
boundary left is not in these features. Recorded in bench/ACCURACY.md.
"""

from __future__ import annotations

import collections
import csv
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scorer.document import build_document  # noqa: E402
from scorer.ingest import read_report  # noqa: E402
from scorer.model import Status  # noqa: E402
from scorer.pipeline import Scorer  # noqa: E402
from scorer.rules.select import select_packs  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
SETS = (("seeds", CORPUS / "seeds", CORPUS / "gold"), ("dev", CORPUS / "dev" / "reports", CORPUS / "dev" / "gold"))
MENTIONED = ("covered", "partial")


def trace_rows() -> list[dict]:
    """One row per content item with a gold label: report, item, level, rule and gold status, features."""
    scorer = Scorer()
    rows = []
    for name, reports, gold_dir in SETS:
        for path in sorted(reports.glob("*.txt")):
            with open(gold_dir / f"{path.stem}.csv", encoding="utf-8") as handle:
                gold = {(r["pack"], r["item"]): r["status"] for r in csv.DictReader(handle)}
            document = build_document(read_report(str(path)))
            packs, _ = select_packs(scorer.packs, scorer.pack_choice, document.meta.year)
            analysis = scorer.matcher.analyse(document)
            for pack in packs:
                if pack.kind == "structure":
                    continue
                for item in pack.items:
                    label = gold.get((pack.id, item.id))
                    if label is None:
                        continue
                    trace = scorer.matcher.trace_item(pack, item, analysis, document.meta.level)
                    candidates = trace.candidates
                    strong_action = [c for c in candidates if c.strong and c.action]
                    features = {
                        "rule_covered": float(trace.status is Status.COVERED),
                        "candidates": math.log1p(len(candidates)),
                        "strong_action": math.log1p(len(strong_action)),
                        "proving": math.log1p(sum(c.proves for c in candidates)),
                        "with_substance": math.log1p(sum(len(c.substance) >= pack.matching.min_substance for c in strong_action)),
                        "max_act": max((c.act for c in strong_action), default=0.0),
                        "max_relevance": max((c.relevance for c in candidates), default=0.0),
                        "max_similarity": max((c.similarity for c in candidates), default=0.0),
                        "quote_only": float(any(c.quote_only for c in strong_action)),
                        "parts_found": sum(p.status is not Status.MISSING for p in trace.parts) / len(trace.parts) if trace.parts else 1.0,
                    }
                    level = document.meta.level.value if document.meta.level else "unknown"
                    rows.append({"set": name, "report": path.name, "item": f"{pack.id}:{item.id}", "level": level, "rule": trace.status.value, "gold": label, "features": features})
    return rows


def main() -> int:
    rows = [r for r in trace_rows() if r["rule"] in MENTIONED and r["gold"] in MENTIONED]
    print(f"items mentioned by both rules and gold: {len(rows)} {dict(collections.Counter(r['set'] for r in rows))}")
    names = list(rows[0]["features"])
    items = sorted({r["item"] for r in rows})
    levels = sorted({r["level"] for r in rows})
    truth = np.asarray([r["gold"] == "covered" for r in rows], dtype=int)
    rules = np.asarray([r["rule"] == "covered" for r in rows], dtype=int)
    groups = np.asarray([r["report"] for r in rows])
    sets = np.asarray([r["set"] for r in rows])
    print("| features | C | seeds: rules / model | dev: rules / model |\n|---|---|---|---|")
    for label, with_items, with_levels in (("trace", False, False), ("trace + item", True, False), ("trace + item + level", True, True)):
        matrix = np.asarray(
            [
                [r["features"][n] for n in names]
                + ([float(r["item"] == i) for i in items] if with_items else [])
                + ([float(r["level"] == v) for v in levels] if with_levels else [])
                for r in rows
            ]
        )
        for c in (0.1, 0.3, 1.0):
            predicted = np.zeros(len(rows), dtype=int)
            for train, test in LeaveOneGroupOut().split(matrix, truth, groups):
                model = LogisticRegression(C=c, max_iter=2000).fit(matrix[train], truth[train])
                predicted[test] = model.predict(matrix[test])
            cells = [f"{np.mean(rules[sets == s] == truth[sets == s]):.3f} / {np.mean(predicted[sets == s] == truth[sets == s]):.3f}" for s in ("seeds", "dev")]
            print(f"| {label} | {c} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
