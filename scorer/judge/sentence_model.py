"""The learned sentence model: what a sentence of a report does (act / generic / plan / problem / other).

Trained by ``training/train_sentence_model.py`` on the labelled sentences of the corpus and shipped
as JSON (``rules/models/sentence-act.json``): vocabularies, IDF weights and the coefficients of a
multinomial logistic regression. Inference is done here with numpy/scipy, not by unpickling a
scikit-learn object, so the file works with any scikit-learn version (or none) and is reviewable.

Features (the same functions build them at training time, so both sides agree exactly):

* ``chars``: TF-IDF (sublinear tf, l2 norm) over character 1–3-grams of the lower-cased text with
  every number written as ``0`` (so 12 项 and 153 项 are the same feature) and ``^``/``$`` marking
  the start and end (so "坚持… at the start" differs from "…坚持… inside").
* ``cues``: a few binary cues a reader uses (a figure with a unit, a 《document》, a year, a
  completion verb, plan and shortcoming wording, a heading shape, the sentence length…).

No word tokens: cross-validation (bench/MODEL.md) shows jieba words add nothing over character
n-grams here, so the model needs no jieba pass and does not depend on the packs' dictionary (a
pack edit does not call for retraining). The blocks are computed like scikit-learn's
``TfidfVectorizer(analyzer=..., sublinear_tf=True)`` side by side in a ``FeatureUnion``; the test
suite checks that the probabilities equal the training pipeline's to 1e-9.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from scorer.errors import RuleError, read_user_file

# What each label means, as explain prints it.
LABEL_WORDS = {"act": "本年度具体举措", "generic": "笼统表述", "plan": "计划安排", "problem": "问题不足", "other": "其他"}

FORMAT = "fzscore-sentence-model"
FORMAT_VERSION = 1
MODEL_FILE = "sentence-act.json"
ACT = "act"

# ---------------------------------------------------------------------------------------------
# Feature functions (shared by training and inference)
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")


def char_text(text: str) -> str:
    """The text the character n-grams are taken from: ``^`` + lower-cased text, numbers as ``0``, no spaces + ``$``."""
    return "^" + _SPACE.sub("", _NUMBER.sub("0", text.lower())) + "$"


def char_ngrams(text: str, low: int = 1, high: int = 3) -> list[str]:
    """Character ``low``..``high``-grams of ``char_text(text)``, shortest first."""
    chars = char_text(text)
    grams: list[str] = []
    for n in range(low, high + 1):
        grams.extend(chars[i : i + n] for i in range(len(chars) - n + 1))
    return grams


# Cues: generic shapes of a report sentence, not wording of any one report. Deliberately separate
# from the substance rules' patterns (scorer/substance.py): the model's features must stay exactly
# what it was trained on, so a later edit of a rule cannot silently change its inputs.
_FIGURE_UNIT = re.compile(
    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*(?:万|亿)?\s*"
    r"(?:人次|件|项|次|人|个|家|场|期|份|条|部|名|宗|户|起|篇|批|类|所|处|套|册|%|元|万元|亿元|小时|天|日|轮|堂|节|本)"
)
_DOCUMENT = re.compile(r"《[^》]{2,}》")
_YEAR = re.compile(r"(?:19|20)\d\d\s*年")
_DATE = re.compile(r"\d{1,2}\s*月")
_COMPLETION = re.compile(
    r"召开|举办|举行|印发|出台|制定了|修订|成立|组建|设立|签订|聘请|聘任|完成|办结|办理|受理|审查了|审核|备案|"
    r"列入|纳入|获评|荣获|获得|被评为|开展了|组织了|参加|参训|培训|宣誓|听取|审议|通过|发放|清理|废止|公布|公开了"
)
_PLAN = re.compile(r"下一步|下一年|明年|今后|将继续|将进一步|将着力|将重点|要继续|计划|力争|着力于")
_PROBLEM = re.compile(r"不足|短板|薄弱|不够|不高|不强|欠缺|有待|差距|滞后|不到位|不平衡|问题")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[、.](?!\d)|第[一二三四五六七八九十]+[章节部分])")
_LEADER = re.compile(r"主要负责|主要领导|书记|县长|市长|镇长|乡长|局长|主任|第一责任人")
_NAMED = re.compile(r"“[^”]{2,}”")
_TOTAL = re.compile(r"共|累计|先后|分别|全年|合计|总计|达到|达")
_SLOGAN_START = re.compile(
    r"^\s*(?:坚持|深入|全面|不断|持续|切实|扎实|积极|着力|进一步|始终|认真|严格|强化|加强|推进|推动|围绕|聚焦|以)"
)
_DONE = re.compile(r"已|了")

CUE_NAMES = (
    "figure_unit",
    "document",
    "year",
    "date",
    "completion_verb",
    "plan_words",
    "problem_words",
    "heading_shape",
    "leader",
    "short",
    "long",
    "named_thing",
    "total_words",
    "slogan_start",
    "done_particle",
    "several_figures",
)


def cues(text: str) -> list[float]:
    """Binary cues of one sentence, in the order of ``CUE_NAMES``."""
    length = len(text)
    return [
        float(bool(_FIGURE_UNIT.search(text))),
        float(bool(_DOCUMENT.search(text))),
        float(bool(_YEAR.search(text))),
        float(bool(_DATE.search(text))),
        float(bool(_COMPLETION.search(text))),
        float(bool(_PLAN.search(text))),
        float(bool(_PROBLEM.search(text))),
        float(bool(_HEADING.search(text))),
        float(bool(_LEADER.search(text))),
        float(length < 16),
        float(length > 80),
        float(bool(_NAMED.search(text))),
        float(bool(_TOTAL.search(text))),
        float(bool(_SLOGAN_START.search(text))),
        float(bool(_DONE.search(text))),
        float(len(_FIGURE_UNIT.findall(text)) >= 2),
    ]


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------


class ModelFileError(RuleError):
    """The model file is missing, unreadable or not in the expected format (exit 2, like a broken pack)."""


@dataclass(frozen=True)
class TfidfBlock:
    """One TF-IDF block: token -> column, IDF per column (sublinear tf, l2 norm)."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray

    @property
    def width(self) -> int:
        return len(self.idf)

    @classmethod
    def fit(cls, docs: Iterable[Iterable[str]]) -> "TfidfBlock":
        """Vocabulary and smoothed IDF of ``docs``, as ``TfidfVectorizer(analyzer=identity).fit`` makes them.

        Columns are numbered in sorted token order, as scikit-learn numbers them, so the same
        sums run in the same order. Here so that scoring never imports scikit-learn (~0.8 s of a cold start).
        """
        df: dict[str, int] = {}
        documents = 0
        for tokens in docs:
            documents += 1
            for token in set(tokens):
                df[token] = df.get(token, 0) + 1
        vocabulary = sorted(df)
        idf = idf_from_df(np.asarray([df[t] for t in vocabulary], dtype=np.int64), documents)
        return cls(MappingProxyType({t: i for i, t in enumerate(vocabulary)}), idf)

    def transform(self, docs: Iterable[Iterable[str]]) -> sparse.csr_matrix:
        """Rows like ``TfidfVectorizer(analyzer=identity, sublinear_tf=True).transform(docs)``."""
        vocabulary = self.vocabulary
        indptr = [0]
        indices: list[int] = []
        counts: list[int] = []
        for tokens in docs:
            row: dict[int, int] = {}
            for token in tokens:
                column = vocabulary.get(token)
                if column is not None:
                    row[column] = row.get(column, 0) + 1
            for column in sorted(row):
                indices.append(column)
                counts.append(row[column])
            indptr.append(len(indices))
        columns = np.asarray(indices, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf[columns]
        pointers = np.asarray(indptr, dtype=np.int64)
        lengths = np.diff(pointers)
        # l2 norm per row, as sklearn.preprocessing.normalize computes it (empty rows stay empty).
        rows = np.repeat(np.arange(len(lengths)), lengths)
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(lengths)))
        norms[norms == 0.0] = 1.0
        values = values / norms[rows]
        return sparse.csr_matrix((values, columns, pointers), shape=(len(lengths), self.width))


@dataclass(frozen=True)
class SentenceVerdict:
    """The model's verdict on one sentence."""

    label: str
    p_act: float
    probabilities: Mapping[str, float]


class SentenceModel:
    """The shipped sentence classifier. Load once (``load``), use for every report."""

    def __init__(self, data: Mapping) -> None:
        if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
            raise ModelFileError(f"不是本工具的句子模型文件（format={data.get('format')!r}, version={data.get('format_version')!r}）")
        try:
            self.classes: tuple[str, ...] = tuple(data["classes"])
            features = data["features"]
            self.char_range: tuple[int, int] = (int(features["chars"]["low"]), int(features["chars"]["high"]))
            self.chars = _block(features["chars"])
            self.cue_names: tuple[str, ...] = tuple(features["cues"]["names"])
            self.cue_scale = float(features["cues"]["scale"])
            self.coef = np.asarray(data["coef"], dtype=np.float64)
            self.intercept = np.asarray(data["intercept"], dtype=np.float64)
            self.meta: Mapping = MappingProxyType(dict(data.get("meta", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"句子模型文件内容不完整：{exc}") from exc
        if self.cue_names != CUE_NAMES:
            raise ModelFileError("句子模型文件的提示特征与本版本代码不一致，请重新训练模型")
        width = self.chars.width + len(self.cue_names)
        if self.coef.shape != (len(self.classes), width) or self.intercept.shape != (len(self.classes),):
            raise ModelFileError(f"句子模型文件的系数形状 {self.coef.shape} 与特征数 {width} 不符")
        if ACT not in self.classes:
            raise ModelFileError("句子模型文件缺少 act 类别")
        self._act = self.classes.index(ACT)

    # ---- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | str | None = None) -> "SentenceModel":
        """Load a model file (default: the shipped one, ``default_path()``)."""
        path = Path(path) if path is not None else default_path()
        raw = read_user_file(path, "句子模型文件", ModelFileError)
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"句子模型文件 {path} 不是有效的 UTF-8 JSON：{exc}") from None
        if not isinstance(data, dict):
            raise ModelFileError(f"句子模型文件 {path} 的内容应为 JSON 对象")
        return cls(data)

    # ---- features -----------------------------------------------------------------------------

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The feature rows of ``texts`` (normalised sentence text, as in ``Document.sentences()``)."""
        low, high = self.char_range
        chars = self.chars.transform(char_ngrams(text, low, high) for text in texts)
        cue_rows = np.asarray([cues(text) for text in texts], dtype=np.float64).reshape(len(texts), len(self.cue_names))
        return sparse.hstack([chars, sparse.csr_matrix(cue_rows * self.cue_scale)], format="csr")

    # ---- prediction ---------------------------------------------------------------------------

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Class scores (n × classes) before the softmax."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        return np.asarray(self.features(texts) @ self.coef.T) + self.intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities (n × classes, columns in ``self.classes`` order)."""
        scores = self.decision(texts)
        if not len(scores):
            return scores
        scores = scores - scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def p_act(self, texts: Sequence[str]) -> np.ndarray:
        """P(act) per sentence: how likely it reports a concrete act of the year."""
        return self.predict_proba(texts)[:, self._act]

    def verdicts(self, texts: Sequence[str]) -> list[SentenceVerdict]:
        """One verdict per sentence: the most likely label, P(act) and every class probability."""
        probabilities = self.predict_proba(texts)
        return [
            SentenceVerdict(
                label=self.classes[int(np.argmax(row))],
                p_act=float(row[self._act]),
                probabilities=MappingProxyType({c: float(p) for c, p in zip(self.classes, row)}),
            )
            for row in probabilities
        ]


def idf_from_df(df: np.ndarray, documents: int) -> np.ndarray:
    """Smoothed IDF exactly as scikit-learn's TfidfTransformer computes it: ln((1+n)/(1+df)) + 1."""
    return np.log((documents + 1) / (df.astype(np.float64) + 1)) + 1


def _block(raw: Mapping) -> TfidfBlock:
    # The file stores document frequencies (short integers) rather than IDF floats: half the size,
    # and the IDF recomputed here is bit-identical to the trainer's.
    tokens = raw["vocabulary"]
    df = np.asarray(raw["df"], dtype=np.int64)
    if len(tokens) != len(df) or len(set(tokens)) != len(tokens):
        raise ModelFileError("句子模型文件的词表与文档频数长度不符或有重复")
    idf = idf_from_df(df, int(raw["documents"]))
    return TfidfBlock(vocabulary=MappingProxyType({t: i for i, t in enumerate(tokens)}), idf=idf)


def default_path() -> Path:
    """The shipped model: ``scorer/packs/models`` in a wheel, ``<repo>/rules/models`` in a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    wheel = package_dir / "packs" / "models" / MODEL_FILE
    return wheel if wheel.is_file() else package_dir.parent / "rules" / "models" / MODEL_FILE


# Another model file for the whole process, e.g. the seeds-only one when measuring on dev/ honestly.
MODEL_ENV = "FZSCORE_SENTENCE_MODEL"

_LOADED: dict[Path, SentenceModel] = {}


def shipped_model() -> SentenceModel:
    """The model in use, loaded once per process: ``$FZSCORE_SENTENCE_MODEL`` if set, else the shipped file."""
    override = os.environ.get(MODEL_ENV)
    path = Path(override) if override else default_path()
    model = _LOADED.get(path)
    if model is None:
        model = _LOADED[path] = SentenceModel.load(path)
    return model
