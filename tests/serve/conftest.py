"""Fixtures of the workspace tests: an app on a fresh data folder, a client that speaks its CSRF."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from scorer.serve.app import ServeConfig, create_app

PG_ENV = "FZSCORE_TEST_PG_URL"


def wait_idle(client, timeout: float = 120.0) -> dict:
    """Poll the queue until every report is scored and copy detection caught up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get("/api/status").json()
        if status["pending"] == 0 and status["scoring"] == 0 and status["copies_current"]:
            return status
        time.sleep(0.1)
    raise AssertionError(f"scoring did not finish in {timeout}s: {status}")


class Workspace:
    """A TestClient with the CSRF header set (as the page script and API clients do)."""

    def __init__(self, client) -> None:
        self.client = client
        token = client.get("/api/session").json()["csrf_token"]
        client.headers["X-CSRF-Token"] = token
        self.csrf = token

    def upload(self, *files: tuple[str, bytes]) -> dict:
        response = self.client.post("/api/uploads", files=[("files", (name, data)) for name, data in files])
        assert response.status_code == 201, response.text
        return response.json()

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.fixture
def make_config(tmp_path):
    def make(**changes) -> ServeConfig:
        return replace(ServeConfig(data_dir=tmp_path / "data", jobs=0), **changes)

    return make


@pytest.fixture
def open_workspace(make_config):
    """Open a workspace (lifespan running: scoring on) and close it at the end of the test."""
    from fastapi.testclient import TestClient

    opened = []

    def open_(config: ServeConfig | None = None, **client_args) -> Workspace:
        app = create_app(config or make_config())
        client = TestClient(app, base_url="http://127.0.0.1", **client_args)
        client.__enter__()
        opened.append(client)
        return Workspace(client)

    yield open_
    for client in reversed(opened):
        client.__exit__(None, None, None)


def close(workspace: Workspace) -> None:
    workspace.client.__exit__(None, None, None)


def seed_files(seeds: list[Path]) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in seeds]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """None (SQLite in the data folder) or the URL of a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        return None
    url = os.environ.get(PG_ENV)
    if not url:
        reason = f"no PostgreSQL server: set {PG_ENV} (.ci/run starts one)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the PostgreSQL store tests")
        pytest.skip(reason)
    return fresh_pg_database(url, tmp_path.name)


def fresh_pg_database(url: str, name: str) -> str:
    """A new, empty database on the test server (one per test), as a URL."""
    import re

    import psycopg

    base = url.replace("postgresql+psycopg://", "postgresql://")
    database = "fz_" + re.sub(r"[^a-z0-9_]", "_", name.lower())[-40:]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
    head, _, _ = base.rpartition("/")
    return f"{head}/{database}"
