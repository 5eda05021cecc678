"""Where the real corpus and the project's own examples live (importable from any test module).

A module of its own rather than ``conftest``: several test folders have a conftest.py, and
``from corpus_paths import ...`` would pick whichever was imported first.

The corpus (``../shared/corpus``, or ``$FZSCORE_CORPUS``) is never copied into the repository. A test
that needs it calls ``require_corpus()`` (the ``seeds`` fixtures do): where it is absent, e.g. in a
clone of the repository alone, the test is skipped with the reason; in CI (``CI`` set) it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("FZSCORE_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
SEEDS_DIR = CORPUS_DIR / "seeds"
GOLD_DIR = CORPUS_DIR / "gold"
DEV_DIR = CORPUS_DIR / "dev"
DEV_REPORTS_DIR = DEV_DIR / "reports"
DEV_GOLD_DIR = DEV_DIR / "gold"
SENTENCES_DIR = CORPUS_DIR / "sentences"
EXAMPLES_DIR = REPO_ROOT / "examples"
FIXTURES_DIR = REPO_ROOT / "tests" / "fixtures"  # rule packs for loader and CLI tests

# The five seed reports (corpus README); named here so tests are collected, and then skipped or
# failed with a reason, even where the corpus is absent.
SEED_NAMES = (
    "000_ef8065eb342895aa.txt",
    "001_7a36a27cbcf2ea14.txt",
    "002_da31f9a30fe5acd6.txt",
    "003_90cfe6843ae5aa63.txt",
    "004_060bb16d1936bd00.txt",
)


def corpus_missing(*paths: Path) -> str | None:
    """Why the corpus cannot be used (None when every path exists)."""
    for path in paths or (SEEDS_DIR, GOLD_DIR):
        if not path.exists():
            return f"the real corpus is not at {path} (clone ../shared beside the repository or set FZSCORE_CORPUS)"
    return None


def require_corpus(*paths: Path) -> None:
    """Skip the calling test where the corpus is absent; fail instead when ``CI`` is set."""
    reason = corpus_missing(*paths)
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the corpus tests")
    pytest.skip(reason)


def seed_paths() -> list[Path]:
    """The seed reports (they may not exist: tests call ``require_corpus`` before reading them)."""
    return [SEEDS_DIR / name for name in SEED_NAMES]
