"""jieba tokenisation with a domain dictionary built from the rule packs.

One ``DomainTokenizer`` per process: building jieba's prefix dictionary costs about a second, so
the pipeline creates it once and reuses it for every report (batch mode included).
"""

from __future__ import annotations

import logging
import re
from typing import Iterable

import jieba

# jieba logs "Building prefix dict..." at DEBUG/INFO on stderr; our stderr is for the user.
jieba.setLogLevel(logging.WARNING)

# Tokens that carry no topical meaning in these reports. Single characters are dropped anyway.
STOPWORDS = frozenset(
    """
    我们 我县 我市 我区 我镇 我乡 我局 全县 全市 全区 全镇 全乡 以及 进一步 不断 持续 切实 全面 深入 扎实 积极 认真
    加强 推进 推动 坚持 落实 开展 工作 相关 有关 一是 二是 三是 四是 五是 六是 其中 同时 通过 按照 根据 年度 今年
    """.split()
)

_TOKEN_OK = re.compile(r"[\u4e00-\u9fffA-Za-z]")


class DomainTokenizer:
    """jieba tokenizer that keeps the packs' domain phrases (重大行政决策, 三项制度…) whole."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for term in sorted(set(terms)):
            term = term.strip().lower()
            # Only plain words go to the dictionary; jieba cannot hold spaces or punctuation.
            if len(term) >= 2 and not re.search(r"[\s,，、:：()（）《》“”\"']", term):
                self._jieba.add_word(term, freq=20000)

    def tokens(self, text: str) -> list[str]:
        """Content tokens of ``text`` (lower-cased, no punctuation, digits, stopwords or single chars)."""
        return [
            token
            for token in self._jieba.lcut(text.lower(), HMM=False)
            if len(token) >= 2 and _TOKEN_OK.search(token) and token not in STOPWORDS and not token.isdigit()
        ]
