"""The learned sentence model: the shipped file, exact inference, reproducible training, sane verdicts."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys

import numpy as np
import pytest
import scipy
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

from corpus_paths import CORPUS_DIR, REPO_ROOT
from scorer.errors import ExitCode, FzError
from scorer.judge.sentence_model import (
    FORMAT,
    MODEL_ENV,
    ModelFileError,
    SentenceModel,
    TfidfBlock,
    char_ngrams,
    default_path,
    idf_from_df,
    shipped_model,
)
from scorer.rules import normalize_text

TRAINER = REPO_ROOT / "training" / "train_sentence_model.py"
SENTENCES_DIR = CORPUS_DIR / "sentences"
RETRAIN = ".venv/bin/python training/train_sentence_model.py"


def _trainer():
    spec = importlib.util.spec_from_file_location("train_sentence_model", TRAINER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_sentence_model", module)
    spec.loader.exec_module(module)
    return module


def _need_corpus() -> None:
    if not (SENTENCES_DIR / "seeds.csv").is_file() or not (SENTENCES_DIR / "dev.csv").is_file():
        message = f"labelled sentences not found in {SENTENCES_DIR} (set FZSCORE_CORPUS)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def trainer():
    return _trainer()


@pytest.fixture(scope="module")
def corpus(trainer):
    _need_corpus()
    return trainer.read_sentences(CORPUS_DIR)


@pytest.fixture(scope="module")
def fitted(trainer, corpus):
    """The training pipeline fitted exactly as the shipped model is (all sentences), and its export."""
    tokens = trainer.word_tokens(corpus, trainer.SHIPPED.words)
    pipeline = trainer.build_pipeline(trainer.SHIPPED)
    records = trainer.records(corpus, tokens)
    pipeline.fit(records, [s.label for s in corpus])
    text = trainer.dumps(trainer.export(pipeline, trainer.SHIPPED, len(corpus), trainer.train_meta(trainer.SHIPPED, corpus, "all")))
    return pipeline, records, text


def _sklearn_proba(pipeline, records, classes) -> np.ndarray:
    """The pipeline's probabilities with columns in ``classes`` order."""
    proba = pipeline.predict_proba(records)
    order = [list(pipeline.named_steps["model"].classes_).index(c) for c in classes]
    return proba[:, order]


# ---- the shipped file ---------------------------------------------------------------------------


def test_shipped_model_loads_small_and_trained_on_all_sentences():
    path = default_path()
    assert path.is_file(), f"shipped model missing: run {RETRAIN}"
    assert path.stat().st_size < 1024 * 1024
    model = SentenceModel.load()
    assert set(model.classes) == {"act", "generic", "plan", "problem", "other"}
    assert model.meta["trained_on"] == "all"
    assert model.meta["sentences"] > 1000 and model.meta["reports"] > 40
    assert model.predict_proba([]).shape == (0, 5)


@pytest.mark.slow
def test_inference_equals_the_training_pipeline_on_the_corpus(fitted, corpus):
    pipeline, records, text = fitted
    exported = SentenceModel(json.loads(text))
    texts = [s.text for s in corpus]
    mine = exported.predict_proba(texts)
    assert np.abs(mine - _sklearn_proba(pipeline, records, exported.classes)).max() <= 1e-9
    # The IDF rebuilt from the stored document frequencies is bit-identical to the fitted one.
    assert np.array_equal(exported.chars.idf, pipeline.named_steps["features"].transformer_list[0][1].idf_)


@pytest.mark.slow
def test_shipped_file_is_what_the_trainer_writes(fitted, trainer, corpus):
    _, _, text = fitted
    shipped = default_path().read_text(encoding="utf-8")
    recorded = json.loads(shipped)["meta"]
    assert recorded["data_sha256"] == trainer.data_digest(corpus), f"the labelled sentences changed: run {RETRAIN}"
    versions = {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
    if recorded["versions"] == versions:
        assert hashlib.sha256(text.encode()).hexdigest() == hashlib.sha256(shipped.encode()).hexdigest(), f"run {RETRAIN}"
    else:
        # Other library versions may round the solver's last digits differently: same model, not same bytes.
        fresh = SentenceModel(json.loads(text)).predict_proba([s.text for s in corpus])
        assert np.abs(fresh - SentenceModel.load().predict_proba([s.text for s in corpus])).max() < 1e-3


@pytest.mark.slow
def test_training_is_deterministic_and_seeds_only_never_sees_dev(trainer, corpus, tmp_path):
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    for out in (first, second):
        assert trainer.main(["--no-cv", "--train-on", "seeds", "--out", str(out)]) == 0
    assert first.read_bytes() == second.read_bytes()
    meta = json.loads(first.read_text(encoding="utf-8"))["meta"]
    assert meta["trained_on"] == "seeds"
    assert meta["sentences"] == sum(s.source == "seeds" for s in corpus)
    assert meta["data_sha256"] == trainer.data_digest([s for s in corpus if s.source == "seeds"])


def test_trainer_refuses_to_overwrite_a_file_that_is_not_a_model(trainer, tmp_path):
    target = tmp_path / "notes.json"
    target.write_text('{"x": 1}', encoding="utf-8")
    with pytest.raises(SystemExit, match="--force"):
        trainer.write_model(target, "{}", force=False)
    assert target.read_text(encoding="utf-8") == '{"x": 1}'


# ---- inference pieces without the corpus --------------------------------------------------------


def test_tfidf_block_equals_sklearn_including_unknown_and_repeated_ngrams():
    train = [normalize_text(t) for t in ("召开会议2次,审议文件3件。", "坚持依法行政。", "召开专题会议研究法治工作。")]
    test = train + ["全新的句子完全不同", "", "会议会议会议"]
    vectorizer = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)
    vectorizer.fit(train)
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    df = np.rint((len(train) + 1) / np.exp(vectorizer.idf_ - 1) - 1).astype(np.int64)
    block = TfidfBlock({t: i for i, t in enumerate(vocabulary)}, idf_from_df(df, len(train)))
    ours = block.transform(char_ngrams(t) for t in test).toarray()
    assert np.abs(ours - vectorizer.transform(test).toarray()).max() <= 1e-12


def test_numbers_and_sentence_edges_in_char_ngrams():
    grams = char_ngrams("共办理12件")
    assert "0件" in grams and "^共" in grams and "件$" in grams
    assert char_ngrams("共办理153件") == grams


def test_concrete_acts_score_above_slogans():
    # Written for this test (not taken from the corpus): acts with and without figures, and slogans.
    acts = [
        "街道党工委召开专题会议,研究部署本年度法治政府建设重点任务。",
        "县司法局举办行政执法人员业务培训班2期,参训310人次。",
        "镇政府聘请一名执业律师担任常年法律顾问,审查合同12份。",
        "局党组理论学习中心组开展宪法专题学习。",
        "将法治建设履职情况列入领导班子年度述职内容。",
    ]
    slogans = [
        "坚持以习近平法治思想为指导,全面推进法治政府建设。",
        "不断提升依法行政水平,切实增强干部法治意识。",
        "深入推进严格规范公正文明执法,努力营造良好法治环境。",
        "始终把法治政府建设摆在全局工作的突出位置。",
    ]
    model = SentenceModel.load()
    p_acts, p_slogans = model.p_act(acts), model.p_act(slogans)
    assert p_acts.min() > p_slogans.max(), (p_acts, p_slogans)
    assert all(v.label == "act" for v in model.verdicts(acts))
    assert all(v.label != "act" for v in model.verdicts(slogans))


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b'{"format": "something-else", "format_version": 1}', "不是本工具的句子模型文件"),
        (b'{"format": "' + FORMAT.encode() + b'", "format_version": 1}', "内容不完整"),
        (b"{not json", "不是有效的 UTF-8 JSON"),
        (b"[1, 2]", "应为 JSON 对象"),
    ],
)
def test_bad_model_files_give_a_chinese_error_with_exit_code_2(tmp_path, content, fragment):
    path = tmp_path / "model.json"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=fragment) as caught:
        SentenceModel.load(path)
    assert isinstance(caught.value, FzError) and caught.value.exit_code == ExitCode.ERROR


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="句子模型文件不存在"):
        SentenceModel.load(tmp_path / "absent.json")


def test_environment_names_another_model_file(tmp_path, monkeypatch):
    data = json.loads(default_path().read_text(encoding="utf-8"))
    data["meta"] = {**data["meta"], "trained_on": "elsewhere"}
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setenv(MODEL_ENV, str(other))
    assert shipped_model().meta["trained_on"] == "elsewhere"
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "absent.json"))
    with pytest.raises(ModelFileError):
        shipped_model()


def test_model_with_mismatched_coefficients_is_rejected():
    data = json.loads(default_path().read_text(encoding="utf-8"))
    data["coef"] = [row[:-1] for row in data["coef"]]
    with pytest.raises(ModelFileError, match="系数形状"):
        SentenceModel(data)

