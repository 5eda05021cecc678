"""Reports in traditional characters (a government site's 繁體 view, copies from elsewhere) read as simplified.

The packs, the jieba dictionary and the metadata rules are written in simplified characters, so a
report in traditional characters is converted character by character (``data/t2s.tsv``, built from
OpenCC by ``scripts/build_t2s_table.py``). One character becomes one character, so every offset stays
valid; only characters outside GB2312 are in the table, so a simplified report with a stray
traditional character in a name is left as it is (the conversion needs a real share of the text).
"""

from __future__ import annotations

import functools
from pathlib import Path

_TABLE_FILE = Path(__file__).resolve().parent / "data" / "t2s.tsv"
# A report counts as traditional when at least this many characters, and this share of its Han
# characters, have a simplified form.
MIN_CONVERTED = 5
MIN_SHARE = 0.01


@functools.lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in _TABLE_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


def _han_count(text: str) -> int:
    return sum(1 for char in text if "\u4e00" <= char <= "\u9fff")


def to_simplified(text: str) -> tuple[str, int]:
    """(text, characters converted): simplified when the text is written in traditional characters."""
    converted = text.translate(_table())
    if converted == text:
        return text, 0
    changed = sum(1 for a, b in zip(text, converted) if a != b)
    if changed < MIN_CONVERTED or changed < MIN_SHARE * _han_count(text):
        return text, 0
    return converted, changed
