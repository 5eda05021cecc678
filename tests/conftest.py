"""Shared fixtures: where the real corpus lives (never copied into the project)."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_paths import (  # noqa: F401
    CORPUS_DIR,
    EXAMPLES_DIR,
    GOLD_DIR,
    REPO_ROOT,
    SEEDS_DIR,
    require_corpus,
    seed_paths,
)


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    """The five seed reports; skips (fails in CI) where the corpus is absent."""
    require_corpus(SEEDS_DIR, GOLD_DIR)
    return seed_paths()


@pytest.fixture(scope="session")
def seed_by_prefix(seeds):
    """Look a seed up by its numeric prefix, e.g. seed_by_prefix('002')."""

    def lookup(prefix: str) -> Path:
        for path in seeds:
            if path.name.startswith(prefix):
                return path
        raise KeyError(prefix)

    return lookup
