"""Shared fixtures: where the real corpus lives (never copied into the project)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("FZSCORE_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
SEEDS_DIR = CORPUS_DIR / "seeds"
GOLD_DIR = CORPUS_DIR / "gold"
EXAMPLES_DIR = REPO_ROOT / "examples"


def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    paths = seed_paths()
    if not paths:
        pytest.fail(f"corpus not found at {SEEDS_DIR} (set FZSCORE_CORPUS)")
    return paths


@pytest.fixture(scope="session")
def seed_by_prefix(seeds):
    """Look a seed up by its numeric prefix, e.g. seed_by_prefix('002')."""

    def lookup(prefix: str) -> Path:
        for path in seeds:
            if path.name.startswith(prefix):
                return path
        raise KeyError(prefix)

    return lookup
