"""`fzscore serve --add`: the sample reports queued at start, once."""

from __future__ import annotations

import pytest
from corpus_paths import EXAMPLES_DIR

from scorer.commands.serve import _add_files
from scorer.errors import ConfigError
from scorer.serve.store import Store
from scorer.serve.uploads import UploadLimits


def test_add_queues_the_files_once(tmp_path):
    store = Store.open(tmp_path / "data")
    try:
        samples = [str(p) for p in sorted(EXAMPLES_DIR.glob("qinghe_2024_*.txt"))]
        assert _add_files(store, samples, UploadLimits()) == "已加入评分队列 2 份报告"
        assert _add_files(store, samples, UploadLimits()) == "已加入评分队列 0 份报告，已存在 2 份"
        assert store.queue_counts()["pending"] == 2
        assert sorted(r.name for r in store.reports()) == ["qinghe_2024_strong.txt", "qinghe_2024_weak.txt"]
        with pytest.raises(ConfigError, match="不存在"):
            _add_files(store, [str(tmp_path / "nope.txt")], UploadLimits())
    finally:
        store.close()


@pytest.mark.parametrize("value", ["abc", "-5"])
def test_a_bad_time_limit_is_refused_before_starting(capsys, tmp_path, value):
    from scorer.cli import main

    assert main(["serve", "--timeout", value, "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "时间上限" in err and "Traceback" not in err
    assert not (tmp_path / "d").exists()  # refused before anything was opened
