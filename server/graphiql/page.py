"""The GraphiQL page and its content-hashed assets, under a CSP of our own origin only."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).with_name("static")
ASSETS_PATH = "/graphiql/assets"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
# Every file but these has its content hash in its name.
MUTABLE_ASSETS = frozenset({"manifest.json", "licenses.txt"})

# Only our own origin. 'self' matches ws:/wss: to the same host (CSP Level 3), so
# subscriptions need no wider connect-src. Scripts and workers come from our files alone,
# with no eval. Monaco and GraphiQL's menus add <style> elements and style attributes at
# run time, which style-src must allow ('unsafe-inline' for styles only: no script runs);
# GraphiQL's style sheet embeds its fonts as data: URLs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "worker-src 'self'",
        "connect-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self'",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not built</title></head>
<body><h1>GraphiQL is not built</h1>
<p>Its assets are bundled from npm packages at install time: run <code>make install</code>
(or <code>npm ci</code> then <code>npm run build:graphiql</code>) and restart the server.</p>
<p>The API works without it: POST GraphQL to this URL.</p></body></html>
"""


@dataclass(frozen=True)
class GraphiQLPage:
    """The page, rendered once: the bundle does not change while the server runs."""

    body: bytes
    built: bool

    @classmethod
    def load(cls, static_dir: Path = STATIC_DIR) -> GraphiQLPage:
        """The page of the build in `static_dir`, or one saying how to build it."""
        try:
            manifest = orjson.loads((static_dir / "manifest.json").read_bytes())
        except FileNotFoundError:
            return cls(NOT_BUILT.encode(), built=False)
        return cls(render(manifest["script"], manifest["style"]).encode(), built=True)

    def response(self) -> Response:
        headers = {**SECURITY_HEADERS, "cache-control": "no-cache"}
        return Response(self.body, 200 if self.built else 503, headers, HTML_CONTENT_TYPE)


def render(script: str, style: str) -> str:
    # Relative URLs, and the script posts to the page's own URL: served at .../graphql
    # with assets at .../graphiql/assets, the page works under any path prefix.
    assets = ASSETS_PATH.lstrip("/")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PersonalPod GraphiQL</title>
<link rel="stylesheet" href="{assets}/{html.escape(style)}">
<script type="module" src="{assets}/{html.escape(script)}"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
</body>
</html>
"""


class GraphiQLAssets(StaticFiles):
    """The bundle's files, gzipped when the browser accepts it, cached for a year but for
    the two without a hash in their name."""

    def __init__(self, static_dir: Path = STATIC_DIR) -> None:
        super().__init__(directory=static_dir, check_dir=False)

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        path = Path(full_path)
        gzipped = path.with_name(f"{path.name}.gz")
        compressed = accepts_gzip(Headers(scope=scope)) and gzipped.is_file()
        if compressed:
            # The type is still the original's: mimetypes reads `.js.gz` as gzip-encoded JS.
            full_path, stat_result = gzipped, gzipped.stat()
        response = super().file_response(full_path, stat_result, scope, status_code)
        if compressed:
            response.headers["content-encoding"] = "gzip"
        response.headers["vary"] = "accept-encoding"
        immutable = path.name not in MUTABLE_ASSETS
        response.headers["cache-control"] = (
            "public, max-age=31536000, immutable" if immutable else "no-cache"
        )
        response.headers.update(SECURITY_HEADERS)
        return response


def accepts_gzip(headers: Headers) -> bool:
    for coding in headers.get("accept-encoding", "").split(","):
        name, _, params = coding.partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False
