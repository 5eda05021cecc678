"""The wheel ships the built-in rule packs: a non-editable install finds them from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from corpus_paths import REPO_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: use the hatchling installed with the test extras (no network needed).
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO_ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("fazhi_scorecard-*.whl")
    return path


def test_wheel_contains_rule_packs_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in ("gangyao-2021", "gangyao-2015", "report-structure"):
        assert f"scorer/packs/{pack}/pack.yaml" in names
    assert any(n.startswith("scorer/packs/gangyao-2021/items/") for n in names)
    assert any(n.startswith("scorer/templates/") for n in names)
    # fzscore serve: its migrations, page templates and script travel in the wheel too.
    assert {"scorer/serve/migrations/env.py", "scorer/serve/migrations/versions/0001_initial.py"} <= names
    assert {"scorer/serve/workspace.js", "scorer/templates/serve/dashboard.html.j2"} <= names
    assert "scorer/packs/models/sentence-act.json" in names


def test_installed_wheel_inspects_a_seed_from_another_directory(wheel, tmp_path, seeds):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Only the installed copy is importable: the repo is not on the path and cwd is elsewhere.
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    code = (
        "import sys, scorer, scorer.rules as r;"
        "assert str(scorer.__file__).startswith(sys.argv[1]), scorer.__file__;"
        "print(sorted(r.load_packs()));"
        "from scorer.judge.sentence_model import shipped_model, default_path;"
        "assert str(default_path()).startswith(sys.argv[1]), default_path();"
        "print(shipped_model().classes);"
        "from scorer.cli import main; sys.exit(main(['inspect', sys.argv[2]]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(target), str(seeds[0])],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "gangyao-2021" in done.stdout and "report-structure" in done.stdout
    assert "融安县" in done.stdout
