"""Train the sentence model (act / generic / plan / problem / other) and print its cross-validated figures.

    .venv/bin/python training/train_sentence_model.py                   # CV figures + rules/models/sentence-act.json
    .venv/bin/python training/train_sentence_model.py --train-on seeds  # a model that never saw dev/ (temp path)
    .venv/bin/python training/train_sentence_model.py --train-on dev    # a model that never saw the seeds (temp path)
    .venv/bin/python training/train_sentence_model.py --compare         # feature variants side by side (no file)

Data: ``sentences/seeds.csv`` and ``sentences/dev.csv`` of the corpus (``$FZSCORE_CORPUS`` or
``../shared/corpus``). Cross-validation is always by report (``file``), never by sentence:

* (a) train on the seeds' sentences, test on dev's;
* (b) train on dev's, test on the seeds';
* (c) GroupKFold (5 folds) over the reports of seeds + dev, out-of-fold predictions pooled.

Everything is deterministic (fixed seed, lbfgs, sorted vocabularies, JSON floats written with
``repr``): a re-run on the same library versions writes a byte-identical file. The figures go to
stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import scipy
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scorer.judge import sentence_model as sm  # noqa: E402
from scorer.rules import normalize_text  # noqa: E402

CLASSES = ("act", "generic", "plan", "problem", "other")
SEED = 20240601
THRESHOLDS = (0.3, 0.5, 0.7)
DEFAULT_OUT = REPO / "rules" / "models" / sm.MODEL_FILE
SEEDS_ONLY_OUT = Path(tempfile.gettempdir()) / "fzscore-sentence-act-seeds-only.json"
DEV_ONLY_OUT = Path(tempfile.gettempdir()) / "fzscore-sentence-act-dev-only.json"


@dataclass(frozen=True)
class Config:
    """Feature and model settings of one variant."""

    name: str
    # Word tokens: "" (none, the shipped model), "plain" jieba, "pack" (jieba + the packs' phrases).
    # Word variants exist for --compare only: the shipped inference reads characters and cues.
    words: str = ""
    char_low: int = 1
    char_high: int = 3
    min_df: int = 3
    cue_scale: float = 1.0
    c: float = 4.0
    balanced: bool = False


SHIPPED = Config("shipped")


@dataclass(frozen=True)
class Sentence:
    file: str
    text: str
    label: str
    items: tuple[str, ...]
    source: str  # "seeds" or "dev"


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------


def corpus_dir() -> Path:
    return Path(os.environ.get("FZSCORE_CORPUS", REPO.parent / "shared" / "corpus"))


def read_sentences(corpus: Path) -> list[Sentence]:
    """Both labelled sentence files, texts normalised like report text."""
    rows: list[Sentence] = []
    for source in ("seeds", "dev"):
        path = corpus / "sentences" / f"{source}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["label"] not in CLASSES:
                    raise SystemExit(f"{path}: unknown label {row['label']!r} in row {row['id']}")
                rows.append(Sentence(row["file"], normalize_text(row["sentence"]), row["label"], tuple(row["items"].split()), source))
    return rows


def data_digest(sentences: Sequence[Sentence]) -> str:
    """SHA-256 of the training data as used (normalised text, label): recorded in the model file."""
    digest = hashlib.sha256()
    for s in sentences:
        digest.update(f"{s.file}\t{s.text}\t{s.label}\n".encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# the sklearn pipeline (the reference the shipped inference is tested against)
# ---------------------------------------------------------------------------------------------


def _words_of(record: tuple[str, Sequence[str]]) -> Sequence[str]:
    return record[1]


class _Chars:
    """Picklable analyzer: character n-grams of a (text, tokens) record."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, record: tuple[str, Sequence[str]]) -> list[str]:
        return sm.char_ngrams(record[0], self.low, self.high)


class _Cues:
    def __init__(self, scale: float) -> None:
        self.scale = scale

    def __call__(self, records: Sequence[tuple[str, Sequence[str]]]) -> sparse.csr_matrix:
        rows = np.asarray([sm.cues(text) for text, _ in records], dtype=np.float64).reshape(len(records), len(sm.CUE_NAMES))
        return sparse.csr_matrix(rows * self.scale)


def build_pipeline(config: Config) -> Pipeline:
    """The training pipeline: FeatureUnion(words, chars, cues) -> multinomial logistic regression."""
    blocks = []
    if config.words:
        blocks.append(("words", TfidfVectorizer(analyzer=_words_of, sublinear_tf=True, min_df=config.min_df)))
    blocks.append(("chars", TfidfVectorizer(analyzer=_Chars(config.char_low, config.char_high), sublinear_tf=True, min_df=config.min_df)))
    blocks.append(("cues", FunctionTransformer(_Cues(config.cue_scale), accept_sparse=True)))
    model = LogisticRegression(
        C=config.c,
        max_iter=2000,
        tol=1e-6,
        class_weight="balanced" if config.balanced else None,
        random_state=SEED,
    )
    return Pipeline([("features", FeatureUnion(blocks)), ("model", model)])


def records(sentences: Sequence[Sentence], tokens: Sequence[Sequence[str]]) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.text, tuple(t)) for s, t in zip(sentences, tokens)]


def export(pipeline: Pipeline, config: Config, documents: int, meta: dict) -> dict:
    """The fitted pipeline as the JSON document ``SentenceModel`` reads."""
    union: FeatureUnion = pipeline.named_steps["features"]
    model: LogisticRegression = pipeline.named_steps["model"]
    named = dict(union.transformer_list)

    def block(vectorizer: TfidfVectorizer, documents: int) -> dict:
        # Columns are in vocabulary order (sklearn sorts the terms), so the list index is the column.
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        # Document frequencies back from the IDF (sklearn keeps no df): exact small integers.
        df = np.rint((documents + 1) / np.exp(vectorizer.idf_ - 1) - 1).astype(np.int64)
        if not np.array_equal(sm.idf_from_df(df, documents), vectorizer.idf_):
            raise ValueError("document frequencies do not reproduce the fitted IDF exactly")
        return {"vocabulary": vocabulary, "df": [int(x) for x in df], "documents": documents}

    if config.words:
        raise ValueError("only models without word tokens can be exported (scorer/judge/sentence_model.py reads none)")
    features: dict = {}
    features["chars"] = {"low": config.char_low, "high": config.char_high, **block(named["chars"], documents)}
    features["cues"] = {"names": list(sm.CUE_NAMES), "scale": config.cue_scale}
    coef = model.coef_
    intercept = model.intercept_
    if len(model.classes_) == 2:  # never with five classes; kept so a binary variant still exports right
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.asarray([-intercept[0] / 2, intercept[0] / 2])
    return {
        "format": sm.FORMAT,
        "format_version": sm.FORMAT_VERSION,
        "classes": [str(c) for c in model.classes_],
        "features": features,
        "coef": [[float(x) for x in row] for row in coef],
        "intercept": [float(x) for x in intercept],
        "meta": meta,
    }


def dumps(document: dict) -> str:
    """Deterministic JSON: fixed key order, floats as repr (exact round trip), one line per array row."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


# ---------------------------------------------------------------------------------------------
# tokens
# ---------------------------------------------------------------------------------------------


def word_tokens(sentences: Sequence[Sentence], words: str) -> list[tuple[str, ...]]:
    if not words:
        return [() for _ in sentences]
    if words == "pack":
        from scorer.rules import load_packs
        from scorer.judge.tokenize import DomainTokenizer

        tokenize = DomainTokenizer(t for pack in load_packs().values() for t in pack.terms()).tokens
    else:
        from scorer.judge.tokenize import DomainTokenizer

        tokenize = DomainTokenizer().tokens
    return [tuple(tokenize(s.text)) for s in sentences]


# ---------------------------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------------------------


def fit_predict(config: Config, train: Sequence[Sentence], train_tokens, test: Sequence[Sentence], test_tokens) -> np.ndarray:
    """Probabilities (in CLASSES order) of ``test`` from a pipeline fitted on ``train``."""
    pipeline = build_pipeline(config)
    pipeline.fit(records(train, train_tokens), [s.label for s in train])
    proba = pipeline.predict_proba(records(test, test_tokens))
    out = np.zeros((len(test), len(CLASSES)))
    for column, label in enumerate(pipeline.named_steps["model"].classes_):
        out[:, CLASSES.index(label)] = proba[:, column]
    return out


def regimes(config: Config, sentences: Sequence[Sentence], tokens) -> dict[str, tuple[list[int], np.ndarray]]:
    """Out-of-sample probabilities for the three regimes: name -> (indexes tested, probabilities)."""
    index = {"seeds": [i for i, s in enumerate(sentences) if s.source == "seeds"], "dev": [i for i, s in enumerate(sentences) if s.source == "dev"]}

    def pick(indexes: Sequence[int]):
        return [sentences[i] for i in indexes], [tokens[i] for i in indexes]

    out: dict[str, tuple[list[int], np.ndarray]] = {}
    out["a: seeds -> dev"] = (index["dev"], fit_predict(config, *pick(index["seeds"]), *pick(index["dev"])))
    out["b: dev -> seeds"] = (index["seeds"], fit_predict(config, *pick(index["dev"]), *pick(index["seeds"])))
    groups = [s.file for s in sentences]
    pooled = np.zeros((len(sentences), len(CLASSES)))
    for train_idx, test_idx in GroupKFold(n_splits=5).split(np.zeros(len(sentences)), groups=groups):
        pooled[test_idx] = fit_predict(config, *pick(train_idx), *pick(test_idx))
    out["c: 5-fold by report"] = (list(range(len(sentences))), pooled)
    return out


def figures(labels: Sequence[str], proba: np.ndarray) -> dict:
    """Per-class precision/recall/F1/support, accuracy, act-vs-generic AUC and act-vs-rest AUC."""
    predicted = [CLASSES[i] for i in proba.argmax(axis=1)]
    p, r, f, n = precision_recall_fscore_support(labels, predicted, labels=list(CLASSES), zero_division=0)
    result = {
        "classes": {c: {"precision": p[i], "recall": r[i], "f1": f[i], "support": int(n[i])} for i, c in enumerate(CLASSES)},
        "accuracy": float(np.mean([a == b for a, b in zip(labels, predicted)])),
    }
    act = proba[:, CLASSES.index("act")]
    pair = [i for i, label in enumerate(labels) if label in ("act", "generic")]
    result["auc_act_vs_generic"] = roc_auc_score([labels[i] == "act" for i in pair], act[pair])
    result["auc_act_vs_rest"] = roc_auc_score([label == "act" for label in labels], act)
    # Precision/recall of "P(act) >= t" for act vs everything else: how a caller's threshold behaves.
    is_act = np.asarray([label == "act" for label in labels])
    result["act_at"] = {}
    for t in THRESHOLDS:
        chosen = act >= t
        hits = int((chosen & is_act).sum())
        result["act_at"][str(t)] = {"precision": hits / max(int(chosen.sum()), 1), "recall": hits / max(int(is_act.sum()), 1)}
    present = [i for i, c in enumerate(CLASSES) if n[i] > 0]
    result["macro_f1_present"] = float(np.mean([f[i] for i in present]))
    return result


def print_figures(name: str, result: dict, out=sys.stdout) -> None:
    print(f"\n{name}", file=out)
    print(f"  {'class':<8} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}", file=out)
    for c, row in result["classes"].items():
        print(f"  {c:<8} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:5d}", file=out)
    print(
        f"  accuracy {result['accuracy']:.3f}  macro-F1 (classes present) {result['macro_f1_present']:.3f}  "
        f"AUC act-vs-generic {result['auc_act_vs_generic']:.3f}  AUC act-vs-rest {result['auc_act_vs_rest']:.3f}",
        file=out,
    )
    at = "  ".join(f"P(act)>={t}: P {v['precision']:.3f} R {v['recall']:.3f}" for t, v in result["act_at"].items())
    print(f"  act vs rest at thresholds  {at}", file=out)


def evaluate(config: Config, sentences: Sequence[Sentence], tokens) -> dict[str, dict]:
    results = {}
    for name, (indexes, proba) in regimes(config, sentences, tokens).items():
        results[name] = figures([sentences[i].label for i in indexes], proba)
    return results


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


VARIANTS = (
    SHIPPED,
    Config("+ jieba words", words="plain"),
    Config("+ words, pack phrases", words="pack"),
    Config("no cues", cue_scale=0.0),
    Config("chars 2-3", char_low=2),
    Config("chars 1-2", char_high=2),
    Config("C=1", c=1.0),
    Config("C=16", c=16.0),
    Config("balanced classes", balanced=True),
    Config("min_df=2", min_df=2),
    Config("min_df=4", min_df=4),
)


def print_errors(sentences: Sequence[Sentence], tokens) -> None:
    """Confusion matrix of regime (c) and every misjudged sentence (for error analysis; corpus text to stdout)."""
    indexes, proba = regimes(SHIPPED, sentences, tokens)["c: 5-fold by report"]
    predicted = [CLASSES[i] for i in proba.argmax(axis=1)]
    act = CLASSES.index("act")
    print("true \\ predicted " + " ".join(f"{c:>8}" for c in CLASSES))
    for true in CLASSES:
        row = [sum(1 for i in indexes if sentences[i].label == true and predicted[i] == p) for p in CLASSES]
        print(f"{true:<17} " + " ".join(f"{n:8d}" for n in row))
    for i in sorted(indexes, key=lambda i: (sentences[i].label, predicted[i], -proba[i, act])):
        if predicted[i] != sentences[i].label:
            s = sentences[i]
            print(f"{s.label:>8} -> {predicted[i]:<8} p_act={proba[i, act]:.2f} [{s.source}] {s.text}")


def write_model(path: Path, text: str, force: bool) -> None:
    """Write atomically; replace an existing file only if it is a model file of ours or with --force."""
    if path.exists() and not force:
        try:
            is_model = json.loads(path.read_text(encoding="utf-8")).get("format") == sm.FORMAT
        except (OSError, ValueError, AttributeError):
            is_model = False
        if not is_model:
            raise SystemExit(f"{path} exists and is not a sentence model file; use --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def train_meta(config: Config, sentences: Sequence[Sentence], train_on: str) -> dict:
    """What the model file records about its training (data digest, settings, library versions)."""
    return {
        "trained_on": train_on,
        "sentences": len(sentences),
        "reports": len({s.file for s in sentences}),
        "data_sha256": data_digest(sentences),
        "config": {k: v for k, v in vars(config).items() if k != "name"},
        "seed": SEED,
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "trainer": "training/train_sentence_model.py",
    }


def train(config: Config, sentences: Sequence[Sentence], tokens, train_on: str) -> str:
    """Fit on the chosen sentences and return the model file's text."""
    pipeline = build_pipeline(config)
    pipeline.fit(records(sentences, tokens), [s.label for s in sentences])
    return dumps(export(pipeline, config, len(sentences), train_meta(config, sentences, train_on)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--train-on",
        choices=("all", "seeds", "dev"),
        default="all",
        help="sentences the file is fitted on: all (shipped), seeds or dev (held-out models for fzscore eval)",
    )
    parser.add_argument("--out", type=Path, help=f"model file (default: {DEFAULT_OUT.relative_to(REPO)} for all, a temp path for seeds)")
    parser.add_argument("--force", action="store_true", help="overwrite --out even if it is not a model file")
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation, only write the model")
    parser.add_argument("--compare", action="store_true", help="cross-validate the feature variants, write nothing")
    parser.add_argument("--errors", action="store_true", help="print the confusion matrix and the misjudged sentences of regime (c), write nothing")
    parser.add_argument("--json", type=Path, help="also write the CV figures as JSON here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    sentences = read_sentences(corpus_dir())
    warnings.filterwarnings("ignore", category=FutureWarning)
    print(f"{len(sentences)} labelled sentences from {len({s.file for s in sentences})} reports", file=sys.stderr)

    if args.compare:
        print(f"{'variant':<24} {'regime':<22} {'acc':>6} {'F1 act':>7} {'F1 gen':>7} {'AUC a/g':>8} {'mF1':>6}")
        token_cache: dict[str, list] = {}
        for config in VARIANTS:
            tokens = token_cache.setdefault(config.words, word_tokens(sentences, config.words))
            for name, result in evaluate(config, sentences, tokens).items():
                cls = result["classes"]
                print(
                    f"{config.name:<24} {name:<22} {result['accuracy']:6.3f} {cls['act']['f1']:7.3f} {cls['generic']['f1']:7.3f} "
                    f"{result['auc_act_vs_generic']:8.3f} {result['macro_f1_present']:6.3f}",
                    flush=True,
                )
        return 0

    tokens = word_tokens(sentences, SHIPPED.words)
    if args.errors:
        print_errors(sentences, tokens)
        return 0
    if not args.no_cv:
        results = evaluate(SHIPPED, sentences, tokens)
        for name, result in results.items():
            print_figures(name, result)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    chosen = [i for i, s in enumerate(sentences) if args.train_on in ("all", s.source)]
    text = train(SHIPPED, [sentences[i] for i in chosen], [tokens[i] for i in chosen], args.train_on)
    out = args.out or {"all": DEFAULT_OUT, "seeds": SEEDS_ONLY_OUT, "dev": DEV_ONLY_OUT}[args.train_on]
    write_model(out, text, args.force)
    size = len(text.encode("utf-8"))
    print(
        f"\nwrote {out} ({size / 1024:.0f} KiB, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}) "
        f"trained on {args.train_on}: {len(chosen)} sentences; {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
