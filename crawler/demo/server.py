"""Fixture server: one virtual host per folder, stdlib only.

A request for ``http://<id>.localhost[:port]/path`` (``Host`` header, or an absolute-form
request line when the server is used as an HTTP proxy) is answered from ``<root>/<id>/path``.
Each site folder may hold a ``site.json`` with per-site behaviour::

    {
      "spa_fallback": true,                       # unknown extension-less paths -> /index.html
      "delay_s": {"/slow.html": 2},               # sleep before answering
      "status": {"/broken.html": 500},            # answer with this status
      "redirect": {"/old": "/new.html"},          # 302 to the target (__PORT__ is replaced)
      "reset": ["/flaky.html"],                   # drop the connection with a TCP reset
      "login_required": ["/account/contact.html"],  # 302 to /login.html?next=PATH
      "headers": {"/files/app.apk": {"Content-Disposition": "attachment"}}
    }

Contact-starting controls (connect to an agent, call, request a callback, submit, send) carry
``data-contact-start="<what>"``; a page that includes ``<script src="/__probe.js"></script>``
(served for every site) reports every tap on them as ``GET /__contact-tap?what=...``, so a test
counts them with ``contact_taps(site)``: a crawl that does no harm leaves the figure at 0.

Keys of ``delay_s``, ``status``, ``redirect``, ``headers`` and entries of ``login_required``, ``reset``
match the path exactly (query string excluded); a key ending in ``/`` also matches every path
below it. In every text response the placeholder ``__PORT__`` is replaced by the server's port,
so that static pages can link to other fixture hosts. POST (and every other method that is not
GET or HEAD) is answered with 405 and recorded like any request.

Run ``python -m crawler.demo.server --port 8766`` to serve the bundled demo sites.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import posixpath
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self, TextIO
from urllib.parse import quote, unquote, urlsplit

PORT_PLACEHOLDER = "__PORT__"
HOST_SUFFIX = ".localhost"
DEFAULT_PORT = 8766

_TEXT_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
)
_EXTRA_TYPES = {
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".apk": "application/vnd.android.package-archive",
    ".pdf": "application/pdf",
    ".woff2": "font/woff2",
}
_MAX_BODY = 10 * 1024 * 1024
PROBE_PATH = "/__probe.js"
CONTACT_TAP_PATH = "/__contact-tap"
#: Reports taps (click, and choosing an option of a marked <select>) on contact-starting
#: controls, through shadow roots too, before any handler of the page can stop them.
PROBE_JS = b"""(() => {
  const report = (e) => {
    for (const el of e.composedPath()) {
      if (el && el.getAttribute && el.hasAttribute('data-contact-start')) {
        const what = el.getAttribute('data-contact-start') || (el.textContent || '').trim().slice(0, 80);
        new Image().src = '/__contact-tap?what=' + encodeURIComponent(what) + '&page=' + encodeURIComponent(location.pathname);
        return;
      }
    }
  };
  document.addEventListener('click', report, true);
  document.addEventListener('change', report, true);
})();
"""


def sites_root() -> Path:
    """The folder of the bundled demo help-center sites."""
    return Path(__file__).resolve().parent / "sites"


def _content_type(path: Path) -> str:
    ext = path.suffix.lower()
    ctype = _EXTRA_TYPES.get(ext) or mimetypes.guess_type(path.name)[0]
    ctype = ctype or "application/octet-stream"
    if _is_text(ctype):
        ctype += "; charset=utf-8"
    return ctype


def _is_text(ctype: str) -> bool:
    return ctype.startswith(_TEXT_TYPES)


def _match(table: dict | list | None, path: str):
    """Look `path` up in a site.json table: exact key, or a key ending in '/' as a prefix."""
    if not table:
        return None
    if isinstance(table, list):
        table = {key: True for key in table}
    if path in table:
        return table[path]
    best = None
    for key, value in table.items():
        longer = best is None or len(key) > len(best[0])
        if key.endswith("/") and path.startswith(key) and longer:
            best = (key, value)
    return best[1] if best else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fixture: FixtureServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ReachabilityFixture/1.0"
    timeout = 60
    server: _Server

    # --- plumbing -------------------------------------------------------------------------

    def log_message(self, format: str, *args) -> None:
        fixture = self.server.fixture
        if fixture.request_log is not None:  # --log: the line format of the benchmark corpora's serve.py
            headers = getattr(self, "headers", None)
            host = (headers.get("Host") if headers is not None else None) or "-"
            fixture._write_request_log(f"{time.time():.3f} {host} {format % args}\n")
        if fixture.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _target(self) -> tuple[str, str]:
        """(host without port, lower case; path with query) of this request."""
        raw = self.path
        if raw.lower().startswith(("http://", "https://")):
            parts = urlsplit(raw)
            host = parts.hostname or ""
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            return host.lower(), path
        host = self.headers.get("Host", "")
        if host:
            host = urlsplit("//" + host).hostname or ""
        return host.lower(), raw

    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _page(self, status: int, title: str, text: str = "", head: bool = False, **kw) -> None:
        body = (
            '<!doctype html><html><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
        ).encode()
        self._send(status, body, head=head, **kw)

    def _drain_body(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if 0 < length <= _MAX_BODY:
            self.rfile.read(length)
        elif length:
            self.close_connection = True

    # --- methods --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _reject(self) -> None:
        host, path = self._target()
        self.server.fixture._record(self.command, host, path)
        self._drain_body()
        self._page(
            405,
            "405 Method Not Allowed",
            "This fixture server never accepts submissions.",
            headers={"Allow": "GET, HEAD"},
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_CONNECT = _reject

    # --- GET / HEAD -----------------------------------------------------------------------

    def _serve(self, head: bool) -> None:
        fixture = self.server.fixture
        host, target = self._target()
        fixture._record(self.command, host, target)
        entry = {"start": time.monotonic(), "end": None, "host": host, "path": target,
                 "user_agent": self.headers.get("User-Agent", ""), "dest": self.headers.get("Sec-Fetch-Dest", "")}
        try:
            self._serve_target(head, fixture, host, target)
        finally:
            entry["end"] = time.monotonic()
            fixture._log(entry)

    def _serve_target(self, head: bool, fixture: FixtureServer, host: str, target: str) -> None:
        path, _, query = target.partition("?")
        if path == PROBE_PATH:
            self._send(200, PROBE_JS, "application/javascript; charset=utf-8", {"Cache-Control": "no-cache"}, head=head)
            return
        if path == CONTACT_TAP_PATH:
            self._send(204, b"", "text/plain", head=head)
            return
        site = fixture._site_for(host)
        if site is None:
            self._site_index(host, head)
            return
        site_dir = fixture.root / site
        config = fixture._config(site_dir)

        try:
            decoded = unquote(path, errors="strict")
        except UnicodeDecodeError:
            self._page(400, "400 Bad Request", head=head)
            return
        if not decoded.startswith("/") or "\x00" in decoded or "\\" in decoded:
            self._page(400, "400 Bad Request", head=head)
            return
        if ".." in decoded.split("/"):
            self._page(403, "403 Forbidden", "Path traversal refused.", head=head)
            return

        delay = _match(config.get("delay_s"), decoded)
        if delay:
            time.sleep(float(delay))

        if _match(config.get("reset"), decoded):
            self._reset()
            return
        redirect = _match(config.get("redirect"), decoded)
        if redirect:
            location = str(redirect).replace(PORT_PLACEHOLDER, str(fixture.port))
            self._send(302, b"", headers={"Location": location}, head=head)
            return
        if _match(config.get("login_required"), decoded):
            location = "/login.html?next=" + quote(decoded + ("?" + query if query else ""), "")
            self._send(302, b"", headers={"Location": location}, head=head)
            return

        status = int(_match(config.get("status"), decoded) or 200)
        file = self._resolve(site_dir, decoded)
        if file is None:
            self._page(403, "403 Forbidden", "Path traversal refused.", head=head)
            return
        if file.is_dir():
            if not decoded.endswith("/"):
                location = quote(decoded + "/") + ("?" + query if query else "")
                self._send(301, b"", headers={"Location": location}, head=head)
                return
            file = file / "index.html"
        if file == site_dir.resolve() / "site.json":
            file = site_dir / "missing"  # the configuration is not content
        if not file.is_file():
            last = decoded.rstrip("/").rsplit("/", 1)[-1]
            if config.get("spa_fallback") and "." not in last:
                file = site_dir / "index.html"
            elif status != 200:
                self._page(status, f"{status}", "Fixture status.", head=head)
                return
            else:
                self._not_found(site_dir, head)
                return
        self._file(file, status, decoded, config, head)

    def _reset(self) -> None:
        """Close the socket with SO_LINGER 0: the client sees ECONNRESET, not an answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    @staticmethod
    def _resolve(site_dir: Path, decoded: str) -> Path | None:
        rel = posixpath.normpath(decoded).lstrip("/")
        base = site_dir.resolve()
        full = (base / rel).resolve() if rel not in ("", ".") else base
        if full != base and base not in full.parents:
            return None
        return full

    def _file(self, file: Path, status: int, path: str, config: dict, head: bool) -> None:
        ctype = _content_type(file)
        body = file.read_bytes()
        if _is_text(ctype) and PORT_PLACEHOLDER.encode() in body:
            body = body.replace(PORT_PLACEHOLDER.encode(), str(self.server.fixture.port).encode())
        headers = {
            "Cache-Control": "max-age=60" if path.startswith("/assets/") else "no-cache",
        }
        extra = _match(config.get("headers"), path)
        if isinstance(extra, dict):
            for name, value in extra.items():
                if str(name).lower() == "content-type":
                    ctype = str(value)  # replaces, never duplicates, the guessed type
                else:
                    headers[str(name)] = str(value)
        self._send(status, body, ctype, headers, head=head)

    def _not_found(self, site_dir: Path, head: bool) -> None:
        page = site_dir / "404.html"
        if page.is_file():
            self._file(page, 404, "/404.html", {}, head)
        else:
            self._page(404, "404 Not Found", "No such page.", head=head)

    def _site_index(self, host: str, head: bool) -> None:
        fixture = self.server.fixture
        items = "".join(
            f'<li><a href="{fixture.url(name)}">{name}</a></li>' for name in fixture.sites()
        )
        body = (
            '<!doctype html><html><head><meta charset="utf-8"><title>Fixture sites</title>'
            f"</head><body><h1>Fixture sites</h1><p>Unknown host {host!r}: each site is served "
            f"at http://&lt;id&gt;.localhost:{fixture.port}/</p><ul>{items}</ul></body></html>"
        ).encode()
        self._send(404, body, head=head)


class FixtureServer:
    """Threaded virtual-host server for the fixture sites under `root`."""

    def __init__(
        self, root: str | Path, port: int = 0, host: str = "127.0.0.1", verbose: bool = False
    ):
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.verbose = verbose
        #: an open text file that gets one line per request (time, Host, request line, status), or None
        self.request_log: TextIO | None = None
        #: (method, host, path) of every request: host lower case without port, path with query.
        self.requests: list[tuple[str, str, str]] = []
        #: GET/HEAD requests with monotonic start/end times, User-Agent and Sec-Fetch-Dest.
        self.log: list[dict] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def _bind(self) -> _Server:
        if not self.root.is_dir():
            raise FileNotFoundError(f"fixture root not found: {self.root}")
        httpd = _Server((self.host, self.port), _Handler)
        httpd.fixture = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        return httpd

    def start(self) -> Self:
        """Serve in a daemon thread (port 0 picks a free port; read it from `.port`)."""
        if self._httpd is not None:
            return self
        httpd = self._bind()
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name=f"fixture-server-{self.port}",
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until KeyboardInterrupt or stop()."""
        httpd = self._httpd or self._bind()
        try:
            httpd.serve_forever(poll_interval=0.1)
        finally:
            httpd.server_close()
            self._httpd = None

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- helpers --------------------------------------------------------------------------

    def url(self, site: str, path: str = "/") -> str:
        if not path.startswith("/"):
            path = "/" + path
        return f"http://{site}{HOST_SUFFIX}:{self.port}{path}"

    def sites(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _valid_id(p.name))

    def requests_for(self, site: str, method: str | None = None) -> list[tuple[str, str, str]]:
        """The recorded requests to one site (optionally of one method)."""
        host = f"{site}{HOST_SUFFIX}"
        with self._lock:
            return [r for r in self.requests if r[1] == host and (method is None or r[0] == method)]

    def contact_taps(self, site: str | None = None) -> list[str]:
        """Paths (with the query naming the control) of every reported tap on a
        contact-starting control, of one site or of all."""
        host = f"{site}{HOST_SUFFIX}" if site else None
        with self._lock:
            return [r[2] for r in self.requests
                    if r[2].startswith(CONTACT_TAP_PATH) and (host is None or r[1] == host)]

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()
            self.log.clear()

    def _log(self, entry: dict) -> None:
        with self._lock:
            self.log.append(entry)

    def _write_request_log(self, line: str) -> None:
        with self._lock:
            if self.request_log is not None:
                self.request_log.write(line)
                self.request_log.flush()  # a benchmark terminates the server: every line is on disk

    def _record(self, method: str, host: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, host, path))

    def _site_for(self, host: str) -> str | None:
        host = host.rstrip(".")
        if not host.endswith(HOST_SUFFIX):
            return None
        site = host[: -len(HOST_SUFFIX)]
        if not _valid_id(site) or not (self.root / site).is_dir():
            return None
        return site

    @staticmethod
    def _config(site_dir: Path) -> dict:
        file = site_dir / "site.json"
        if not file.is_file():
            return {}
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


def _valid_id(name: str) -> bool:
    return bool(name) and "." not in name and "/" not in name and not name.startswith("_")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo.server",
        description="Serve fixture help-center sites, one virtual host <id>.localhost per folder.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="default %(default)s")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default %(default)s)")
    parser.add_argument("--root", default=None, help="folder of sites (default: bundled demo)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    parser.add_argument("--log", default=None, metavar="FILE",
                        help="append one line per request to FILE: time, Host, request line, status")
    args = parser.parse_args(argv)

    server = FixtureServer(args.root or sites_root(), args.port, args.host, verbose=args.verbose)
    if args.log:
        server.request_log = open(args.log, "a", encoding="utf-8")  # open while the server runs
    try:
        server._bind()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Serving {server.root} on http://{args.host}:{server.port}/ (Ctrl-C to stop)")
    for site in server.sites():
        print(f"  {server.url(site)}")
    print(f"Non-browser clients: use http_proxy=http://{args.host}:{server.port}")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
