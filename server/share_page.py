"""`/s/<token>`: the read-only page of a share link, for people without an account.

Rendered on the server with every value escaped, under a CSP that allows nothing but its
own inline style (by hash): no script, no image, no frame, no form. Never cached, and no
Referer leaves it (the token is in the URL). An unknown, expired, revoked or used-up link
gets the same 404 page.
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from datastore.kit.errors import NotFound, RateLimited
from datastore.pod.service.links import LinkView

_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"
    "pre{white-space:pre-wrap;word-wrap:break-word;font:inherit}"
    "dt{font-weight:600}small{color:#555}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-robots-tag": "noindex, nofollow",
}
_SECRET_LABELS = {"password": "Password", "totpSeed": "TOTP seed", "body": "Text"}


async def share_page(request: Request) -> Response:
    """Open the link (a use, rate-limited per address) and show its entry."""
    links = request.app.state.services.pod.links
    address = request.client.host if request.client else None
    try:
        view = await links.open(request.path_params["token"], address=address)
    except NotFound:
        return _page(404, "Not found", "<p>This link does not exist or no longer works.</p>")
    except RateLimited as limited:
        response = _page(429, "Too many requests", "<p>Try again in a minute.</p>")
        response.headers["retry-after"] = str(limited.retry_after)
        return response
    return _page(200, view.entry.title, render_entry(view))


def render_entry(view: LinkView) -> str:
    entry = view.entry
    parts = [f"<h1>{_e(entry.title)}</h1>"]
    if entry.body:
        parts.append(f"<pre>{_e(entry.body)}</pre>")
    fields = [(k, v) for k, v in (entry.fields or {}).items() if v not in (None, "", [])]
    secret = [(k, v) for k, v in (view.secret or {}).items() if v]
    if fields or secret:
        parts.append("<dl>")
        parts += [f"<dt>{_e(k)}</dt><dd>{_e(_text(v))}</dd>" for k, v in fields]
        parts += [
            f"<dt>{_e(_SECRET_LABELS.get(k, k))}</dt><dd><pre>{_e(_text(v))}</pre></dd>"
            for k, v in secret
        ]
        parts.append("</dl>")
    expires = view.link.expires_at.isoformat(timespec="minutes")
    parts.append(f"<p><small>Shared read-only. This link works until {_e(expires)}.</small></p>")
    return "".join(parts)


def _page(status: int, title: str, body: str) -> Response:
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )
    return Response(document, status, HEADERS, "text/html; charset=utf-8")


def _text(value: Any) -> str:
    """A kind field as text: lists and objects (a contact's emails) by their values."""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(v) for v in value.values() if v)
    return str(value)


def _e(value: str) -> str:
    return html.escape(value, quote=True)
