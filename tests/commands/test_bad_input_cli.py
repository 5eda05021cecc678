"""Bad input through the CLI: one clear Chinese line on stderr, exit code 2, never a traceback."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

from scorer.cli import main


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" * 200)
    return buffer.getvalue()


BAD_INPUTS = {
    "missing": None,
    "empty.txt": b"",
    "blank.txt": b"   \n\n  \t \n",
    "junk.bin": bytes(range(256)) * 40,
    "old.doc": bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 2000,
    "truncated.docx": _docx_bytes()[:300],
    "nobody.html": "<html><head><title>x</title><script>var a=1;</script></head><body><nav>首页</nav></body></html>".encode(),
    "notes.wps": bytes.fromhex("D0CF11E0A1B11AE1") + b"\x01" * 1000,
}


@pytest.fixture(params=sorted(BAD_INPUTS), ids=sorted(BAD_INPUTS))
def bad_path(request, tmp_path):
    name = request.param
    path = tmp_path / name
    if BAD_INPUTS[name] is not None:
        path.write_bytes(BAD_INPUTS[name])
    return path


@pytest.mark.parametrize("command", ["score", "inspect", "check"])
def test_bad_input_is_one_line_and_exit_2(command, bad_path, capsys):
    code = main([command, str(bad_path)])
    captured = capsys.readouterr()
    assert code == 2
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("fzscore: 错误：")
    assert bad_path.name in lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_broken_rule_pack_is_exit_2_naming_file_item_key(tmp_path, capsys, seeds):
    pack = tmp_path / "rules" / "mini"
    (pack / "items").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        "id: mini\ntitle: 测试\nsource: 测试\nversion: '1'\nkind: content\nyears: {from: null, to: null}\n"
        "always: true\nsections: {一: 一}\nitems: [only]\n",
        encoding="utf-8",
    )
    (pack / "items" / "only.yaml").write_text("id: only\ntitle: 唯一\nsignalz: []\n", encoding="utf-8")
    code = main(["score", str(seeds[0]), "--rules", str(tmp_path / "rules")])
    err = capsys.readouterr().err
    assert code == 2
    assert "only.yaml" in err and "signalz" in err
    assert "Traceback" not in err


def test_usage_error_is_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["score"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "用法错误：缺少必需的参数：REPORT" in err


def test_real_process_prints_no_traceback(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "scorer", "score", str(empty)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "empty.txt" in done.stderr
