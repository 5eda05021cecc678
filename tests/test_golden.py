"""Golden JSON: the machine contract of two sample reports, byte for byte.

After an intended change to matching, rules or the JSON format, regenerate with
``FZSCORE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os

import pytest
from corpus_paths import REPO_ROOT

from scorer.cli import main

GOLDEN_DIR = REPO_ROOT / "tests" / "golden"


@pytest.mark.parametrize("name", ["qinghe_2024_strong.txt", "qinghe_2024_weak.txt"])
def test_score_json_matches_golden(name, capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)  # the report path in the JSON is as given: keep it relative
    assert main(["score", f"examples/{name}", "--format", "json"]) == 0
    output = capsys.readouterr().out
    golden = GOLDEN_DIR / f"{name}.json"
    if os.environ.get("FZSCORE_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert golden.exists(), f"missing {golden}; run with FZSCORE_UPDATE_GOLDEN=1 to create it"
    assert output == golden.read_text(encoding="utf-8")
