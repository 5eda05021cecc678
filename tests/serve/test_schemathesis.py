"""The JSON API against its own OpenAPI document (schemathesis): generated requests never get a 500.

Bounded (a fixed number of examples per operation, no shrinking past a deadline) so the suite stays
fast. The requests carry the CSRF header and cookie, so state-changing operations are exercised
past the CSRF check; the workspace holds two scored reports so report ids 1 and 2 exist.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from serve.conftest import Workspace, wait_idle

from corpus_paths import EXAMPLES_DIR
from scorer.serve.app import ServeConfig, create_app

EXAMPLES_PER_OPERATION = 20
SEEN = {"requests": 0, "server_errors": 0, "statuses": {}}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    from fastapi.testclient import TestClient

    # loopback_only off: schemathesis calls the app as "testserver" (the host check has its own test).
    app = create_app(ServeConfig(data_dir=tmp_path_factory.mktemp("schema"), jobs=0, loopback_only=False))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        ws = Workspace(client)
        ws.upload(*[(p.name, p.read_bytes()) for p in sorted(EXAMPLES_DIR.glob("qinghe_2024_*.txt"))])
        wait_idle(client)
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
        yield schema, ws.csrf
    statuses = ", ".join(f"{code}×{count}" for code, count in sorted(SEEN["statuses"].items()))
    print(f"\nschemathesis: {SEEN['requests']} requests, {SEEN['server_errors']} server errors ({statuses})")


def test_no_generated_request_gets_a_server_error(api):
    schema, csrf = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    cookie = {"X-CSRF-Token": csrf, "Cookie": f"fz_csrf={csrf}"}
    failures: list[str] = []

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(headers={**(case.headers or {}), **cookie})
            SEEN["requests"] += 1
            SEEN["statuses"][response.status_code] = SEEN["statuses"].get(response.status_code, 0) + 1
            if response.status_code >= 500:
                SEEN["server_errors"] += 1
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        run()
    assert SEEN["requests"] >= len(operations) * 5
    assert failures == [], "\n".join(failures[:10])
