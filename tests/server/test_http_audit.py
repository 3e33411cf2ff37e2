"""The graphql-http audit (61 checks, SHOULDs included) against the real app's endpoint."""

from __future__ import annotations

import json

from tests.support.audit import MIN_AUDITS, run_audit


async def test_live_server_passes_every_graphql_over_http_audit(
    server, graphql_http_installed: None, introspection
) -> None:
    # given: the audit probes with anonymous `__type` queries
    introspection("public")
    # when
    results = await run_audit(f"{server.url}/graphql")
    # then
    failures = [r for r in results if r["status"] != "ok"]
    assert not failures, json.dumps(failures, indent=1)
    assert len(results) >= MIN_AUDITS
