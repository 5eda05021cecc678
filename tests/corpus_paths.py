"""Where the real corpus and the project's own examples live (importable from any test module).

A module of its own rather than ``conftest``: several test folders have a conftest.py, and
``from corpus_paths import ...`` would pick whichever was imported first.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("FZSCORE_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
SEEDS_DIR = CORPUS_DIR / "seeds"
GOLD_DIR = CORPUS_DIR / "gold"
EXAMPLES_DIR = REPO_ROOT / "examples"


def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))
