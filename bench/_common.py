"""Shared pieces of the benchmarks: progress lines, throwaway services, server processes,
and two HTTP load generators (wrk when installed, else a raw asyncio keep-alive client).

Kept import-light at module level: uvicorn imports `_common:bare_app` in every worker of
the bare baseline server, and `python bench/_common.py loadgen` runs the Python client.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
_STARTED = time.monotonic()


# --------------------------------------------------------------------------- output


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_ticks() -> tuple[int, int]:
    """All and idle CPU ticks since boot, summed over the cores (Linux /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)


def busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    """Share of all cores busy between two `cpu_ticks`."""
    return 1 - (after[1] - before[1]) / max(1, after[0] - before[0])


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all cores busy over `seconds` (Linux /proc/stat; 0.0 elsewhere)."""
    try:
        before = cpu_ticks()
        time.sleep(seconds)
        return busy_between(before, cpu_ticks())
    except (OSError, ValueError, IndexError):
        return 0.0


def warn_if_busy(what: str, limit: float = 0.15, settle: float = 60.0) -> float:
    """Wait up to `settle` seconds for the machine to be idle (a server just started loads
    its model, for one); numbers from a busy machine are not comparable, so say so."""
    busy = cpu_busy()
    deadline = time.monotonic() + settle
    if busy > limit:
        progress(f"waiting for the machine to settle ({busy:.0%} busy)")
    while busy > limit and time.monotonic() < deadline:
        busy = cpu_busy()
    if busy > limit:
        progress(
            f"WARNING: the machine is {busy:.0%} busy before {what}; other processes "
            "share the cores and the figures will be low"
        )
    return round(busy, 3)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": sys.platform,
    }


# --------------------------------------------------------------------------- bare baseline


def _bare_app():
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def ok(_request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/", ok), Route("/healthz", ok)])


def __getattr__(name: str) -> Any:  # lazily build `bare_app` for uvicorn's import string
    if name == "bare_app":
        return _bare_app()
    raise AttributeError(name)


def bare_server_command(port: int, workers: int) -> list[str]:
    """uvicorn serving `{"ok": true}` with the same loop, parser and worker count as ours."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "_common:bare_app",
        "--app-dir",
        str(BENCH),
        *_listen(port, workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def serve_command(port: int, workers: int, *, background: bool = True) -> list[str]:
    """`personalpod serve` on 127.0.0.1:port with `workers` processes; without
    `background`, no worker child either (its embedding of the loaded data would take
    the cores the measured requests need)."""
    command = [sys.executable, "-m", "server.cli", "serve", *_listen(port, workers)]
    return command if background else [*command, "--no-worker"]


def _listen(port: int, workers: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]


def add_json_out(parser: Any, default: Path) -> None:
    """The `--json-out` option of every benchmark: where results go, '' for nowhere."""
    parser.add_argument(
        "--json-out",
        type=lambda s: Path(s) if s else None,
        default=default,
        help="where to write the results ('' to skip)",
    )


def write_json_out(path: Path | None, results: Any) -> None:
    """Write a benchmark's results where `--json-out` says (nowhere when it is empty)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    progress(f"wrote {path}")


# --------------------------------------------------------------------------- services


@contextlib.contextmanager
def backing_services(pids: dict[str, int] | None = None) -> Iterator[dict[str, str]]:
    """Throwaway PostgreSQL, DynamoDB Local and Redis, migrated; yields the server's env.
    `pids`, when given, is filled with each service's process id (by service name)."""
    import asyncio

    from datastore.kit.settings import load_settings
    from server.embedded import start_services
    from server.migrate import migrate_dynamodb, migrate_postgres

    progress("services: starting throwaway postgres, dynamodb local and redis")
    with start_services(
        data_dir=None, configured={}, cache_dir=ROOT / ".cache", log=lambda line: progress(line)
    ) as services:
        env = {
            **services.env,
            "MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "AUDIT_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "AUDIT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "LOG_LEVEL": "warning",
        }
        settings = load_settings(**{k.lower(): v for k, v in env.items()})
        progress("services: migrating postgres")
        migrate_postgres(settings.database_url)
        progress("services: creating dynamodb tables")
        asyncio.run(migrate_dynamodb(settings, log=lambda _line: None))
        if pids is not None:
            pids.update(services.pids)
        yield env
        progress("services: stopping")


@contextlib.contextmanager
def server_process(name: str, command: list[str], port: int, **options: Any) -> Iterator[str]:
    """Run `command` (a server on 127.0.0.1:port) until the block is left; yields its URL.
    Options: those of `server_subprocess`."""
    with server_subprocess(name, command, port, **options) as (url, _proc):
        yield url


@contextlib.contextmanager
def server_subprocess(
    name: str,
    command: list[str],
    port: int,
    *,
    env: Mapping[str, str] | None = None,
    health_path: str = "/healthz",
    timeout: float = 90.0,
    keep_log: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `command` (a server on 127.0.0.1:port) until the block is left; yields its URL
    and its process (whose pid leads the server's workers). Its output goes to `keep_log`
    when given (and stays there), else to a temporary file deleted at the end.

    The child gets its own session, so a Ctrl-C in the terminal reaches only us and we stop
    it in order: SIGTERM to the server (uvicorn stops its workers), then SIGKILL to the
    process group it leads if it has not exited.
    """
    if keep_log is not None:
        keep_log.parent.mkdir(parents=True, exist_ok=True)
    log_file = (
        open(keep_log, "w")  # noqa: SIM115
        if keep_log is not None
        else tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix=f"bench-{name}-", suffix=".log", delete=False
        )
    )
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    shown = " ".join([Path(command[0]).name, *command[1:]])
    progress(f"{name}: starting `{shown}`")
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=full_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(name, proc, url + health_path, timeout, Path(log_file.name))
        progress(f"{name}: ready at {url} (pid {proc.pid})")
        yield url, proc
    finally:
        _stop(name, proc)
        log_file.close()
        if keep_log is None:
            with contextlib.suppress(OSError):
                os.unlink(log_file.name)


def _wait_healthy(
    name: str, proc: subprocess.Popen, url: str, timeout: float, log_path: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = log_path.read_text(errors="replace")[-4000:]
            raise RuntimeError(
                f"{name} exited with {proc.returncode} before it was ready:\n{output}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f}s")


def _stop(name: str, proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        # Ctrl-C may arrive again while we wait; finish stopping regardless.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        finally:
            signal.signal(signal.SIGINT, previous)
    # Workers are in the same group; make sure none outlived the supervisor.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    progress(f"{name}: stopped")


def post_json(url: str, body: dict[str, Any], headers: Mapping[str, str] | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


# --------------------------------------------------------------------------- load


@dataclass
class Target:
    """One HTTP request, repeated on every connection."""

    name: str
    url: str
    method: str = "GET"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # A response body containing this counts as an error (e.g. b'"errors"' for GraphQL).
    error_marker: str | None = None


@dataclass
class LoadResult:
    target: str
    tool: str
    connections: int
    duration_s: float
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts, non-2xx responses and bodies with the marker
    busy_before: float = 0.0  # share of the cores busy just before the run (other work)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


_WRK_LUA = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, " ..
    "\\"p99_us\\": %d, \\"errors\\": %d}}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _lua_string(value: str) -> str:
    level = "=" * 4
    while f"]{level}]" in value:
        level += "="
    return f"[{level}[{value}]{level}]"


def run_wrk(
    target: Target, *, duration: float, connections: int, threads: int | None = None
) -> LoadResult:
    """wrk (C, event loop per thread) with a Lua script for method, body and headers."""
    threads = max(1, min(threads or os.cpu_count() or 1, connections))
    headers = "\n".join(
        f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in target.headers.items()
    )
    script = _WRK_LUA.format(
        method=_lua_string(target.method), body=_lua_string(target.body.decode()), headers=headers
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        command = [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            lua.name,
            target.url,
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=duration + 60
        )
        output = done.stdout + done.stderr
    finally:
        os.unlink(lua.name)
    match = re.search(r"^BENCH_JSON (\{.*\})$", output, re.MULTILINE)
    if match is None or done.returncode or done.stderr.strip():
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    errors = data["errors"]  # wrk does not read bodies; callers check one response first
    return LoadResult(
        target=target.name,
        tool=f"wrk -t{threads}",
        connections=connections,
        duration_s=round(seconds, 2),
        requests=data["requests"],
        rps=round(data["requests"] / seconds, 1),
        p50_ms=round(data["p50_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
        errors=errors,
    )


def run_python_load(
    target: Target, *, duration: float, connections: int, processes: int = 1
) -> LoadResult:
    """The fallback: `processes` separate client processes (raw asyncio keep-alive
    HTTP/1.1, one request in flight per connection), connections split between them."""
    shares = split(connections, processes)
    config = {
        "url": target.url,
        "method": target.method,
        "body": target.body.decode(),
        "headers": target.headers,
        "duration": duration,
        "error_marker": target.error_marker,
    }
    configs = [{**config, "connections": share} for share in shares if share]
    outputs = run_children([sys.executable, __file__, "loadgen"], configs, what="load generator")
    latencies = sorted(v for out in outputs for v in out["latencies_us"])
    requests = len(latencies)
    seconds = max(out["elapsed_s"] for out in outputs)
    return LoadResult(
        target=target.name,
        tool=f"python asyncio x{len(outputs)}",
        connections=connections,
        duration_s=round(seconds, 2),
        requests=requests,
        rps=round(requests / seconds, 1),
        p50_ms=round(percentile(latencies, 50) / 1000, 2),
        p99_ms=round(percentile(latencies, 99) / 1000, 2),
        errors=sum(out["errors"] for out in outputs),
    )


def split(total: int, parts: int) -> list[int]:
    """`total` in `parts` shares as even as they go (the first ones one larger)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def run_children(command: list[str], configs: list[Any], *, what: str) -> list[Any]:
    """One process of `command` per config, given as JSON on its stdin; each prints one JSON
    result on stdout, returned in order. Processes still running on the way out are killed."""
    children = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in configs
    ]
    try:
        for child, config in zip(children, configs, strict=True):
            assert child.stdin is not None
            child.stdin.write(json.dumps(config))
            child.stdin.close()
        outputs = []
        for child in children:
            assert child.stdout is not None
            outputs.append(json.loads(child.stdout.read()))
            if child.wait(timeout=30):
                raise RuntimeError(f"{what} exited with {child.returncode}")
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    return outputs


def percentile(ordered: list[int], pct: float) -> float:
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return float(ordered[index])


# --------------------------------------------------------------------------- python client


def response_head(head: bytes) -> tuple[int, int | None]:
    """Status and Content-Length (None when absent) of an HTTP/1.1 response head."""
    found = re.search(rb"\r\ncontent-length:\s*(\d+)", head.lower())
    return int(head[9:12]), int(found.group(1)) if found else None


class KeepAliveClient:
    """One keep-alive HTTP/1.1 connection for asyncio code, one request at a time, opened
    on first use and again after any error. Responses must carry Content-Length (ours do).
    Far cheaper per request than httpx, so a load generator does not steal the server's CPU.
    """

    def __init__(self, url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._streams: Any = None

    async def post(self, path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        """Status and body of one POST; raises on transport errors (the connection closes)."""
        import asyncio

        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        head = [
            f"POST {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: keep-alive",
            "User-Agent: personalpod-bench",
            f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            status, length = response_head(await reader.readuntil(b"\r\n\r\n"))
            if length is None:
                raise ConnectionError("response without Content-Length")
            return status, await reader.readexactly(length)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


def _loadgen_main() -> None:
    """Child process: read a config on stdin, drive the load, print JSON on stdout."""
    import asyncio
    from urllib.parse import urlsplit

    config = json.loads(sys.stdin.read())
    parts = urlsplit(config["url"])
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = config["body"].encode()
    head = [
        f"{config['method']} {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: keep-alive",
        "User-Agent: personalpod-bench",
    ]
    head += [f"{k}: {v}" for k, v in config["headers"].items()]
    if body or config["method"] != "GET":
        head.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    marker = config["error_marker"].encode() if config["error_marker"] else None

    latencies: list[int] = []
    errors = 0
    perf = time.perf_counter_ns

    class Connection(asyncio.Protocol):
        """Keep-alive HTTP/1.1, one request in flight; responses need Content-Length."""

        def __init__(self, deadline: int, finished: asyncio.Future) -> None:
            self.deadline = deadline
            self.finished = finished
            self.buffer = bytearray()
            self.expected: int | None = None
            self.status = 0
            self.sent = 0

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport  # type: ignore[assignment]
            self.send()

        def send(self) -> None:
            self.sent = perf()
            self.transport.write(request)

        def data_received(self, data: bytes) -> None:
            nonlocal errors
            self.buffer += data
            while True:
                if self.expected is None:
                    end = self.buffer.find(b"\r\n\r\n")
                    if end < 0:
                        return
                    self.status, length = response_head(bytes(self.buffer[:end]))
                    if length is None:
                        self.fail("response without Content-Length")
                        return
                    self.expected = end + 4 + length
                if len(self.buffer) < self.expected:
                    return
                now = perf()
                if not 200 <= self.status < 300 or (
                    marker is not None and marker in self.buffer[: self.expected]
                ):
                    errors += 1
                latencies.append((now - self.sent) // 1000)
                del self.buffer[: self.expected]
                self.expected = None
                if now >= self.deadline:
                    self.transport.close()
                    return
                self.send()

        def fail(self, reason: str) -> None:
            nonlocal errors
            errors += 1
            self.transport.close()
            if not self.finished.done():
                self.finished.set_exception(RuntimeError(reason))

        def connection_lost(self, exc: Exception | None) -> None:
            if not self.finished.done():
                self.finished.set_result(None)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        started = perf()
        deadline = started + int(config["duration"] * 1e9)
        waiters = []
        for _ in range(config["connections"]):
            finished = loop.create_future()
            await loop.create_connection(lambda f=finished: Connection(deadline, f), host, port)
            waiters.append(finished)
        await asyncio.wait_for(asyncio.gather(*waiters), timeout=config["duration"] + 30)
        return (perf() - started) / 1e9

    try:
        import uvloop

        elapsed = uvloop.run(main())
    except ImportError:
        elapsed = asyncio.run(main())
    json.dump({"latencies_us": latencies, "errors": errors, "elapsed_s": elapsed}, sys.stdout)


if __name__ == "__main__" and sys.argv[1:] == ["loadgen"]:
    _loadgen_main()
