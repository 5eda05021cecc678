"""Cost of the learned sentence model per report, as a ratio to one jieba pass over the same report.

    .venv/bin/python bench/bench_sentence_model.py [--rounds 7]

Design goal (issue 8): the model must not make scoring slower than 2 × one jieba pass over the
report. For every sample report (the seeds and the two examples) this times, alternating within
one run on the same already-built documents:

* ``jieba``: ``jieba.lcut(text)`` over the whole report text (the default tokenizer, HMM on), and
  ``jieba.lcut(text, HMM=False)`` as the matcher calls it;
* ``model``: ``SentenceModel.p_act`` over every sentence of the report (features + softmax);
* ``load``: reading the shipped model file (once per process, not per report).

Only ratios measured in the same run are meaningful on the noisy 2-core machine; the figures are
recorded in bench/MODEL.md. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CORPUS = Path(os.environ.get("FZSCORE_CORPUS", REPO.parent / "shared" / "corpus"))
SAMPLES = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((REPO / "examples").glob("qinghe_*.txt"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import jieba

    from scorer.document import build_document
    from scorer.ingest import read_report
    from scorer.judge.sentence_model import SentenceModel, default_path

    documents = [build_document(read_report(path)) for path in SAMPLES]
    texts = [d.text for d in documents]
    sentences = [[s.text for s in d.sentences()] for d in documents]
    jieba.initialize()

    loads = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        model = SentenceModel.load()
        loads.append(time.perf_counter() - start)
    model.p_act(sentences[0])  # warm both sides
    jieba.lcut(texts[0])

    hmm, nohmm, scored = [], [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for text in texts:
            jieba.lcut(text)
        hmm.append(time.perf_counter() - start)
        start = time.perf_counter()
        for text in texts:
            jieba.lcut(text, HMM=False)
        nohmm.append(time.perf_counter() - start)
        start = time.perf_counter()
        for batch in sentences:
            model.p_act(batch)
        scored.append(time.perf_counter() - start)
    h, n, m = statistics.median(hmm), statistics.median(nohmm), statistics.median(scored)
    chars = sum(len(t) for t in texts)
    count = sum(len(s) for s in sentences)
    print(f"{len(texts)} reports, {chars} characters, {count} sentences; medians of {args.rounds} alternating rounds")
    print(f"model file {default_path().stat().st_size / 1024:.0f} KiB, load {statistics.median(loads) * 1000:.0f} ms (once per process)")
    print(f"jieba.lcut (HMM)      {h * 1000:8.1f} ms")
    print(f"jieba.lcut (HMM=False){n * 1000:8.1f} ms")
    print(f"model p_act           {m * 1000:8.1f} ms   ({m / count * 1e6:.0f} µs per sentence)")
    print(f"ratio model / jieba pass: {m / h:.2f} (HMM), {m / n:.2f} (HMM=False); goal < 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
