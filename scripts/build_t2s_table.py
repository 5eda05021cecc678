"""Build scorer/ingest/data/t2s.tsv: traditional → simplified, one character to one character.

Source: OpenCC's TSCharacters.txt (Apache License 2.0), as shipped in the ``opencc-purepy`` wheel
(``pip install opencc-purepy``; not a dependency of the tool). Kept: characters outside GB2312 (so
never a standard simplified character: 著, 乾, 於 stay as they are) whose first simplified candidate is
a different single character. One-to-one keeps every offset into the report text valid.

    python scripts/build_t2s_table.py [PATH/TO/TSCharacters.txt]
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "scorer" / "ingest" / "data" / "t2s.tsv"


def in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def main() -> int:
    if len(sys.argv) > 1:
        source = Path(sys.argv[1])
    else:
        import opencc_purepy  # noqa: PLC0415 - only needed to rebuild the table

        source = Path(opencc_purepy.__file__).parent / "dicts" / "TSCharacters.txt"
    pairs = []
    for line in source.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ")[0] if values else ""
        if len(key) == 1 and len(first) == 1 and first != key and not in_gb2312(key):
            pairs.append((key, first))
    header = (
        "# traditional\tsimplified — derived from OpenCC TSCharacters.txt (Apache License 2.0)\n"
        "# by scripts/build_t2s_table.py: characters outside GB2312, first candidate, one to one.\n"
    )
    OUT.write_text(header + "".join(f"{k}\t{v}\n" for k, v in sorted(pairs)), encoding="utf-8")
    print(f"{len(pairs)} characters -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
