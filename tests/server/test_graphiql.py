"""The GraphiQL page and its assets over HTTP: CSP, no inline script, cache headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest

from server.graphiql.page import CONTENT_SECURITY_POLICY, STATIC_DIR, GraphiQLPage
from tests.conftest import LiveServer

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CDNS = ("unpkg.com", "esm.sh", "jsdelivr.net", "cdnjs.cloudflare.com", "googleapis.com")


@pytest.fixture
async def http(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url) as client:
        yield client


def manifest() -> dict[str, object]:
    path = STATIC_DIR / "manifest.json"
    if not path.exists():
        pytest.fail("GraphiQL is not built: run `make install` (npm run build:graphiql)")
    return orjson.loads(path.read_bytes())


async def test_graphiql_page_allows_only_our_origin(http: httpx.AsyncClient) -> None:
    # when
    response = await http.get("/graphql", headers={"accept": BROWSER_ACCEPT})
    # then
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-cache"
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["connect-src"] == "'self'"
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


async def test_graphiql_page_has_no_inline_script_and_loads_only_our_assets(
    http: httpx.AsyncClient,
) -> None:
    # when
    page = (await http.get("/graphql", headers={"accept": BROWSER_ACCEPT})).text
    # then
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all(re.search(r'\bsrc="graphiql/assets/[^"/]+"', tag) for tag in scripts)
    assert "</script>" in page and not re.search(r"<script\b[^>]*>[^<]+</script>", page)
    assert "style=" not in page and "<style" not in page
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(url.startswith("graphiql/assets/") for url in urls)


async def test_graphiql_assets_are_cached_for_a_year_and_name_no_cdn(
    http: httpx.AsyncClient,
) -> None:
    # given
    built = manifest()
    workers = built["workers"]
    assert isinstance(workers, dict)
    names = [built["script"], built["style"], *workers.values()]
    # when
    responses = [await http.get(f"/graphiql/assets/{name}") for name in names]
    # then
    for response in responses:
        assert response.status_code == 200, response.url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert not any(cdn in response.text for cdn in CDNS), response.url
    assert "javascript" in responses[0].headers["content-type"]
    assert responses[1].headers["content-type"].startswith("text/css")


async def test_graphiql_licences_are_served_beside_the_bundle(http: httpx.AsyncClient) -> None:
    # when
    response = await http.get("/graphiql/assets/licenses.txt")
    # then
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    for package in ("graphiql@", "react@", "monaco-editor@", "graphql-ws@"):
        assert f"\n{package}" in response.text


async def test_graphiql_assets_outside_the_bundle_are_not_found(http: httpx.AsyncClient) -> None:
    # when
    response = await http.get("/graphiql/assets/..%2F__init__.py")
    # then
    assert response.status_code == 404


def test_graphiql_without_a_build_says_how_to_build_it(tmp_path: Path) -> None:
    # when
    response = GraphiQLPage.load(tmp_path).response()
    # then
    assert response.status_code == 503
    assert b"make install" in response.body
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


async def test_graphiql_script_is_sent_gzipped_only_to_browsers_that_accept_it(
    http: httpx.AsyncClient,
) -> None:
    # given
    name = manifest()["script"]
    original = (STATIC_DIR / str(name)).read_bytes()
    # when
    gzipped = await http.get(f"/graphiql/assets/{name}", headers={"accept-encoding": "gzip"})
    plain = await http.get(f"/graphiql/assets/{name}", headers={"accept-encoding": "identity"})
    # then
    assert gzipped.headers["content-encoding"] == "gzip"
    assert int(gzipped.headers["content-length"]) < len(original) / 2
    assert gzipped.content == original  # httpx decodes it
    assert "javascript" in gzipped.headers["content-type"]
    assert "content-encoding" not in plain.headers
    assert plain.content == original
    assert gzipped.headers["vary"] == plain.headers["vary"] == "accept-encoding"
