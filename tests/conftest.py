"""Shared fixtures: where the real corpus lives (never copied into the project)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus_paths import CORPUS_DIR, EXAMPLES_DIR, GOLD_DIR, REPO_ROOT, SEEDS_DIR, seed_paths  # noqa: F401


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
