"""The domain tokenizer: pack phrases stay whole; the trimmed jieba dictionary is built once."""

from __future__ import annotations

from scorer.judge import tokenize
from scorer.judge.tokenize import DomainTokenizer, trimmed_dictionary


def test_domain_terms_stay_whole_and_noise_is_dropped():
    tokenizer = DomainTokenizer(["重大行政决策", "三项制度", "告知承诺制"], dictionary_words=0)
    tokens = tokenizer.tokens("严格落实重大行政决策程序，全面推行行政执法三项制度和告知承诺制，共3件。")
    assert {"重大行政决策", "三项制度", "告知承诺制"} <= set(tokens)
    assert "3" not in tokens and "，" not in tokens and all(len(t) >= 2 for t in tokens)


def test_trimmed_dictionary_is_cached_and_smaller(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = trimmed_dictionary(5000)
    assert first is not None and first.startswith(str(tmp_path))
    lines = open(first, encoding="utf-8").read().splitlines()
    assert 5000 <= len(lines) < 349046  # the most frequent words plus every single character
    assert trimmed_dictionary(5000) == first  # built once


def test_trimmed_dictionary_tokenizes_like_the_full_one_on_domain_text():
    terms = ["行政复议", "行政执法", "法治政府建设"]
    sentence = "全年共收到行政复议申请86件，行政执法人员参加法治政府建设专题培训。"
    full = DomainTokenizer(terms, dictionary_words=0).tokens(sentence)
    trimmed = DomainTokenizer(terms, dictionary_words=tokenize.DICTIONARY_WORDS).tokens(sentence)
    assert trimmed == full
