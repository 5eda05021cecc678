"""The refusals: a public address without a token, requests without the token, forged forms,
uploads over the limits, foreign host names; and the names of uploaded files never become paths."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from scorer.cli import main
from scorer.serve.security import is_loopback
from scorer.serve.uploads import UploadLimits

TOKEN = "s3cret-token-for-tests"


def test_public_address_without_a_token_is_refused(capsys, tmp_path):
    assert main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "必须设置访问令牌" in err and "--token" in err and "Traceback" not in err
    assert not (tmp_path / "d").exists()  # refused before anything is created


def test_short_token_and_bad_port_are_refused(capsys, tmp_path):
    assert main(["serve", "--host", "0.0.0.0", "--token", "short", "--data", str(tmp_path)]) == 2
    assert "至少 12 个字符" in capsys.readouterr().err
    assert main(["serve", "--port", "70000", "--data", str(tmp_path)]) == 2
    assert "--port" in capsys.readouterr().err


def test_a_port_in_use_is_refused_in_chinese(capsys, tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "端口可能已被占用" in err and "Traceback" not in err


def test_loopback_names():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.5", "example.org", "", "::"))


@pytest.fixture
def token_workspace(open_workspace, make_config):
    return open_workspace(make_config(token=TOKEN, loopback_only=False), headers={"Authorization": f"Bearer {TOKEN}"})


def test_without_the_token_nothing_is_served(token_workspace):
    client = token_workspace.client
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    client.headers.pop("Authorization")
    api = client.get("/api/reports")
    assert api.status_code == 401 and "访问令牌" in api.json()["detail"]
    assert api.headers["www-authenticate"] == "Bearer"
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 401 and "访问令牌" in page.text and 'action="/login"' in page.text
    assert client.get("/export/summary.csv").status_code == 401
    assert client.get("/api/openapi.json").status_code == 401
    assert client.post("/api/uploads", files=[("files", ("a.txt", b"x"))]).status_code == 401
    assert client.get("/api/reports", headers={"Authorization": "Bearer wrong-token-xxxx"}).status_code == 401


def test_the_token_opens_the_workspace(token_workspace):
    client = token_workspace.client
    client.cookies.clear()
    client.headers.pop("Authorization")
    assert client.get("/api/reports", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    # The printed link: the token moves into a cookie and out of the address bar.
    link = client.get(f"/?token={TOKEN}&level=county", follow_redirects=False)
    assert link.status_code == 303 and link.headers["location"] == "/?level=county"
    assert "HttpOnly" in link.headers["set-cookie"] and "SameSite=Strict" in link.headers["set-cookie"]
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    client.cookies.clear()
    wrong = client.post("/login", data={"token": "nope", "next": "/"}, follow_redirects=False)
    assert wrong.status_code == 401 and "令牌不正确" in wrong.text
    right = client.post("/login", data={"token": TOKEN, "next": "//evil.example/"}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/"


def test_state_changes_need_the_csrf_token(open_workspace):
    ws = open_workspace()
    client = ws.client
    del client.headers["X-CSRF-Token"]
    no_header = client.post("/api/uploads", files=[("files", ("a.txt", "报告".encode()))])
    assert no_header.status_code == 403 and "CSRF" in no_header.json()["detail"]
    json_post = client.post("/api/reports/1/reviews", json={"pack": "p", "item": "i", "status": "covered", "reviewer": "x"})
    assert json_post.status_code == 403
    forged = client.post("/upload", data={"csrf_token": "forged.0000"}, files=[("files", ("a.txt", "报告".encode()))])
    assert forged.status_code == 403
    other_cookie = client.post("/api/uploads", files=[("files", ("a.txt", b"x"))], headers={"X-CSRF-Token": ws.csrf + "x"})
    assert other_cookie.status_code == 403
    foreign = client.post("/api/uploads", files=[("files", ("a.txt", b"x"))], headers={"X-CSRF-Token": ws.csrf, "Origin": "http://evil.example"})
    assert foreign.status_code == 403 and "跨站" in foreign.json()["detail"]
    assert client.get("/api/status").json()["pending"] == 0  # nothing was taken in


def test_only_loopback_host_names_are_answered_without_a_token(open_workspace):
    ws = open_workspace()
    rebound = ws.client.get("/api/status", headers={"Host": "attacker.example"})
    assert rebound.status_code == 421 and "本机" in rebound.json()["detail"]
    assert ws.client.get("/api/status", headers={"Host": "localhost:8000"}).status_code == 200


def test_uploads_over_the_limits_get_413_in_chinese(open_workspace, make_config):
    limits = UploadLimits(max_file_bytes=1000, max_files=3, max_request_bytes=20_000)
    ws = open_workspace(make_config(limits=limits))
    whole = ws.client.post("/api/uploads", files=[("files", ("big.txt", b"x" * 30_000))])
    assert whole.status_code == 413 and "上传内容过大" in whole.json()["detail"] and "MB" in whole.json()["detail"]
    one = ws.client.post("/api/uploads", files=[("files", ("big.txt", "报".encode() * 400))])
    assert one.status_code == 413 and "超过" in one.json()["detail"] and "big.txt" in one.json()["detail"]
    many = ws.client.post("/api/uploads", files=[("files", (f"{i}.txt", f"报告{i}".encode())) for i in range(4)])
    assert many.status_code == 413 and "一次最多上传 3 个文件" in many.json()["detail"]
    page = ws.client.post("/upload", data={"csrf_token": ws.csrf}, files=[("files", ("big.txt", "报".encode() * 400))], headers={"Accept": "text/html"})
    assert page.status_code == 413 and "超过" in page.text
    assert ws.client.get("/api/status").json()["pending"] == 0


def test_a_path_traversal_name_is_stored_by_hash_and_shown_as_a_name(open_workspace, make_config, tmp_path):
    config = make_config()
    ws = open_workspace(config)
    names = ["../../../../tmp/fz-escape.txt", "..\\..\\windows\\fz-escape2.txt", "/etc/fz-escape3.txt"]
    done = ws.upload(*[(name, f"报告正文{i}".encode()) for i, name in enumerate(names)])
    assert [f["name"] for f in done["files"]] == ["fz-escape.txt", "fz-escape2.txt", "fz-escape3.txt"]
    files = sorted(p for p in (config.data_dir / "files").rglob("*") if p.is_file())
    assert len(files) == 3 and all(p.stem.isalnum() and len(p.stem) == 64 for p in files)
    import hashlib

    assert {p.stem for p in files} == {hashlib.sha256(f"报告正文{i}".encode()).hexdigest() for i in range(3)}
    for outside in ("/tmp/fz-escape.txt", "/etc/fz-escape3.txt", str(tmp_path.parent / "fz-escape.txt")):
        assert not __import__("os").path.exists(outside)
    source = ws.get(f"/reports/{done['files'][0]['report_id']}/source")
    assert source.headers["content-type"] == "application/octet-stream" and "attachment" in source.headers["content-disposition"]


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip with UTF-8 names (flagged), as current tools write."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def gbk_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip whose names are GBK bytes without the UTF-8 flag (as Windows' built-in tool writes)."""
    placeholders = [(f"{i:0{len(name.encode('gbk'))}d}", name) for i, (name, _) in enumerate(entries)]
    raw = zip_bytes([(p, data) for (p, _), (_, data) in zip(placeholders, entries)])
    for placeholder, name in placeholders:  # same length: the offsets in the archive stay right
        raw = raw.replace(placeholder.encode("ascii"), name.encode("gbk"))
    return raw


def test_a_zip_of_a_folder_is_taken_in_with_its_names(open_workspace, make_config):
    ws = open_workspace(make_config())
    archive = zip_bytes(
        [
            ("季度报告/一乡.txt", "一乡报告".encode()),
            ("季度报告/子目录/二镇.md", "二镇报告".encode()),
            ("季度报告/../../逃逸.txt", "逃逸报告".encode()),
            ("季度报告/照片.jpg", b"\xff\xd8\xff"),
            ("季度报告/内层.zip", b"PK\x05\x06" + b"\0" * 18),
            ("__MACOSX/季度报告/._一乡.txt", b"junk"),
            ("季度报告/.DS_Store", b"junk"),
        ]
    )
    done = ws.upload(("季度报告.zip", archive))
    outcomes = {f["name"]: f["outcome"] for f in done["files"]}
    assert outcomes == {
        "一乡.txt": "new",
        "二镇.md": "new",
        "逃逸.txt": "new",
        "照片.jpg": "skipped",
        "内层.zip": "skipped",
        "._一乡.txt": "skipped",
        ".DS_Store": "skipped",
    }
    gbk = ws.upload(("windows.zip", gbk_zip([("三河镇2023年法治政府建设报告.txt", "三河镇报告".encode("gbk"))])))
    assert [f["name"] for f in gbk["files"]] == ["三河镇2023年法治政府建设报告.txt"]


def test_zip_bombs_and_broken_zips_are_refused(open_workspace, make_config):
    limits = UploadLimits(max_file_bytes=5 * 1024 * 1024, max_zip_entries=10, max_zip_bytes=50 * 1024 * 1024)
    ws = open_workspace(make_config(limits=limits))
    bomb = zip_bytes([("bomb.txt", b"\0" * (4 * 1024 * 1024))])  # ~4 KB compressed: ratio ~1000
    assert len(bomb) < 10_000
    done = ws.upload(("bomb.zip", bomb))
    assert done["files"][0]["outcome"] == "rejected" and "压缩炸弹" in done["files"][0]["message"]
    many = ws.upload(("many.zip", zip_bytes([(f"{i}.txt", b"x") for i in range(11)])))
    assert many["files"][0]["outcome"] == "rejected" and "文件过多" in many["files"][0]["message"]
    big = ws.upload(("big.zip", zip_bytes([(f"{i}.txt", bytes(range(256)) * 4096 * 5) for i in range(12)][:10])))
    assert {f["outcome"] for f in big["files"]} == {"rejected"}
    broken = ws.upload(("broken.zip", b"PK\x03\x04 not really a zip"))
    assert broken["files"][0]["outcome"] == "rejected" and "zip" in broken["files"][0]["message"]
    assert ws.get("/api/status").json()["pending"] == 0


def test_count_limit_applies_inside_zips(open_workspace, make_config):
    ws = open_workspace(make_config(limits=replace(UploadLimits(), max_files=2)))
    done = ws.upload(("three.zip", zip_bytes([(f"{i}.txt", f"报告{i}".encode()) for i in range(3)])))
    assert [f["outcome"] for f in done["files"]] == ["new", "new", "rejected"]
    assert "上限" in done["files"][2]["message"]


def test_pages_send_a_strict_policy_and_no_caching(open_workspace):
    ws = open_workspace()
    response = ws.get("/", headers={"Accept": "text/html"})
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "unsafe" not in policy
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
