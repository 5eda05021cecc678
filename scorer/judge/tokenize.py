"""jieba tokenisation with a domain dictionary built from the rule packs.

One ``DomainTokenizer`` per process: building jieba's prefix dictionary costs about a second, so
the pipeline creates it once and reuses it for every report (batch mode included).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
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


# jieba's full dictionary has 349k words and takes ~0.8 s to load, more than everything else a
# cold `fzscore score` does after imports. The 100k most frequent words (plus every single
# character) load in ~0.15 s and segment these reports the same way for our purposes: the domain
# terms that matter come from the packs' user dictionary, and `fzscore eval` shows no change.
DICTIONARY_WORDS = int(os.environ.get("FZSCORE_JIEBA_WORDS", "100000"))


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fazhi-scorecard"


def trimmed_dictionary(words: int = DICTIONARY_WORDS) -> str | None:
    """Path of jieba's dictionary cut to its ``words`` most frequent entries, built once and cached.

    None (use jieba's own dictionary) when ``words`` is 0 or no cache folder is writable.
    """
    if words <= 0:
        return None
    source = Path(jieba.__file__).parent / "dict.txt"
    digest = hashlib.sha256(f"{source.stat().st_size}:{source.stat().st_mtime_ns}:{words}".encode()).hexdigest()[:12]
    for folder in (_cache_dir(), Path(tempfile.gettempdir()) / "fazhi-scorecard"):
        target = folder / f"jieba-{words}-{digest}.txt"
        if target.exists():
            return str(target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            entries = [line.split(" ") for line in source.read_text(encoding="utf-8").splitlines() if line]
            ranked = sorted((int(e[1]) for e in entries), reverse=True)
            floor = ranked[min(words, len(ranked)) - 1]
            kept = [" ".join(e) for e in entries if int(e[1]) >= floor or len(e[0]) == 1]
            # Write then rename: batch workers may build it at the same moment.
            partial = folder / f".{target.name}.{os.getpid()}"
            partial.write_text("\n".join(kept) + "\n", encoding="utf-8")
            partial.replace(target)
            return str(target)
        except OSError:
            continue
    return None


class DomainTokenizer:
    """jieba tokenizer that keeps the packs' domain phrases (重大行政决策, 三项制度…) whole."""

    def __init__(self, terms: Iterable[str] = (), dictionary_words: int = DICTIONARY_WORDS) -> None:
        dictionary = trimmed_dictionary(dictionary_words)
        self._jieba = jieba.Tokenizer(dictionary) if dictionary else jieba.Tokenizer()
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
