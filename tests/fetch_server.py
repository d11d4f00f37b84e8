"""A real HTTP server on 127.0.0.1 serving the python-docs HTML archive, with switchable faults.

Paths (besides the site's own files):
  /robots.txt                 disallows /distutils/ (Behaviour.robots); padded with Behaviour.robots_padding bytes;
                              with Behaviour.robots_redirects, 302 to /robots.txt?hop=N+1 without end
  /sitemap.xml                urlset of Behaviour.sitemap_paths; /sitemap_index.xml -> /sitemap-1.xml.gz + /sitemap-2.xml
  /r429/<path>                first hit per path: 429 with Retry-After: 1, then the page
  /r503/<path>                first hit per path: 503, then the page
  /reset/<path>               first hit per path: the connection is dropped without an answer, then the page
  /slow/<path>                the answer waits Behaviour.slow_s seconds (a slow server, not a test wait)
  /trickle/<path>             the page sent a byte at a time for Behaviour.slow_s seconds (a tarpit); so are
                              /robots.txt, /sitemap.xml and / when in Behaviour.trickled
  /moved/<path>               301 to /<path>
  /loop/a.html <-> /loop/b.html  a redirect loop
  /to-ftp.html                302 to ftp://
  /binary.html                PNG bytes served as text/html
  /noindex.html               a page with <meta name="robots" content="noindex">
  /xrobots/<path>             the page with an X-Robots-Tag: noindex header
  /xrobots-otherbot/<path>    ... with "X-Robots-Tag: otherbot: noindex, nofollow" and "X-Robots-Tag: max-snippet: 20"
  /xrobots-googlebot/<path>   ... with "X-Robots-Tag: googlebot: none"
  /huge.html                  text/html larger than any cap (streamed, no Content-Length)
  /bad-gzip.html              text/html with Content-Encoding: gzip, its body no gzip
  /compress.html              text/html with Content-Encoding: compress (a coding never asked for), its body bytes
  /no-location.html           301 without a Location; /bad-location.html: 302 to "http://[::1" (no URL)
  /multiple-choices.html      300 Multiple Choices, an HTML body and no Location
  /cookie/<path>              sets a cookie, then the page
  any path in Behaviour.redirects / .answers: the redirect / answer set there; Behaviour.headers: headers added;
                              Behaviour.busy: its first N requests answer 429 or 503 (Retry-After: 0), or are
                              dropped without an answer
  /copy<N>/<path>             the page under another path (bench: many distinct URLs)
Every answer is delayed by Behaviour.latency_s (bench). Requests are logged with their headers.
"""
from __future__ import annotations

import gzip
import os
import re
import socket
import tarfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parents[1].parent / "shared" / "sites" / "python-docs-3.11-html.tar.gz"
if not ARCHIVE.exists():
    ARCHIVE = Path("/work/shared/sites/python-docs-3.11-html.tar.gz")
NOINDEX = (b'<html><head><title>Draft</title><meta name="robots" content="noindex"></head><body><main>'
           b'<h1>Draft page</h1><p>Not for search engines: see <a href="/library/json.html">json</a>.</p>'
           b'</main></body></html>')
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def unpack_site(target: Path) -> Path:
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(target, filter="data")
    return target

TRICKLE_GAP_S = 0.05


@dataclass
class Behaviour:
    robots: str = "User-agent: *\nDisallow: /distutils/\n"
    sitemap_paths: list = field(default_factory=list)
    slow_s: float = 0.0
    latency_s: float = 0.0
    seen: dict = field(default_factory=dict)          # path -> hits
    log: list = field(default_factory=list)           # (path, headers dict)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    only: set | None = None                           # serve only these site paths (others 404)
    no_sitemap: bool = False                          # /sitemap.xml answers 404
    robots_errors: int = 0                            # the first N /robots.txt requests answer 503 (Retry-After: 0)
    robots_error_status: int = 503                    # ... or this status
    trickled: frozenset = frozenset()                 # "/robots.txt", "/sitemap.xml", "/": sent as /trickle/ pages are
    robots_redirects: bool = False                    # /robots.txt redirects to itself with a new query, endlessly
    every_status: int = 0                             # every request but robots.txt and sitemaps answers it (503)
    robots_padding: int = 0                           # bytes of comment lines after the rules (a huge robots.txt)
    robots_sent_whole: bool | None = None             # the padded robots.txt went out whole (False: client hung up)
    let_through: frozenset | None = None              # page paths (not robots/sitemap) served; others held
    pages_held: int = 0
    turn: threading.Condition = field(default_factory=threading.Condition)
    redirects: dict = field(default_factory=dict)     # path -> (status, Location): a redirect a test sets up
    answers: dict = field(default_factory=dict)       # path -> (status, body bytes, Content-Type): a set answer
    headers: dict = field(default_factory=dict)       # path -> {name: value} added to the file served there
    busy: dict = field(default_factory=dict)          # path -> (N, status): its first N requests answer status
                                                      # (0: the connection is dropped without an answer)

    def allow_pages(self, paths=None) -> None:
        """Serve page requests only for these site paths ("library/json.html") from now on, holding the others
        until a later call lets them through (None: every page): a test bounds how far a client can get before it
        acts, however slow the machine is. Paths, not a count: a client fetching several pages at once and
        committing them in order could spend a count on a later page that reached the server first, and then
        wait forever for the earlier one (seen on a loaded machine: the fetch kill -9 test stood 120 s at 53 of
        its 54 pages)."""
        with self.turn:
            self.let_through = None if paths is None else frozenset("/" + path.lstrip("/") for path in paths)
            self.turn.notify_all()

    def _wait_for_turn(self, path: str, client_gone) -> bool:
        """Hold a page request until its path is let through; False (not served) when its client has hung up, as
        a killed client's held requests have."""
        with self.turn:
            self.pages_held += 1
            self.turn.wait_for(lambda: client_gone() or self.let_through is None or path in self.let_through)
            self.pages_held -= 1
            return not client_gone()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True     # headers and body go out as separate writes: no 40 ms delayed-ACK stall

    def log_message(self, *args):  # quiet
        pass

    @property
    def b(self) -> Behaviour:
        return self.server.behaviour

    def do_GET(self):
        b = self.b
        with b.lock:
            b.in_flight += 1
            b.max_in_flight = max(b.max_in_flight, b.in_flight)
            hits = b.seen[self.path] = b.seen.get(self.path, 0) + 1
            b.log.append((self.path, dict(self.headers), time.monotonic()))
        try:
            path = self.path.split("?", 1)[0]
            if b.let_through is not None and path not in ("/robots.txt", "/sitemap.xml"):
                if not b._wait_for_turn(path, self._client_gone):
                    self.close_connection = True
                    return
            if b.latency_s:
                time.sleep(b.latency_s)
            self._route(self.path.split("?", 1)[0], hits)
        finally:
            with b.lock:
                b.in_flight -= 1

    def _client_gone(self) -> bool:
        """The client closed its end (a killed process's sockets are closed before it is reaped): an HTTP/1.1
        client waiting for this answer sends nothing more, so a peek sees end-of-file only when it is gone."""
        try:
            return self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _route(self, path: str, hits: int) -> None:
        b = self.b
        if path in b.busy and hits <= b.busy[path][0]:
            return self._send(b.busy[path][1], b"busy", "text/plain", {"Retry-After": "0"}) if b.busy[path][1] \
                else self._reset()
        if path in b.redirects:
            return self._redirect(*b.redirects[path])
        if path in b.answers:
            return self._send(*b.answers[path])
        if b.every_status and path != "/robots.txt" and not path.endswith((".xml", ".xml.gz")):
            return self._send(b.every_status, b"busy", "text/plain", {"Retry-After": "0"})
        if path == "/robots.txt" and hits <= b.robots_errors:
            return self._send(b.robots_error_status, b"busy", "text/plain", {"Retry-After": "0"})
        if path == "/robots.txt" and b.robots_redirects:
            return self._redirect(302, f"/robots.txt?hop={int(self.path.partition('?hop=')[2] or 0) + 1}")
        if path == "/robots.txt" and path in b.trickled:
            return self._trickle(b.robots.encode(), "text/plain")
        if path == "/robots.txt" and b.robots_padding:
            return self._padded_robots()
        if path == "/robots.txt":
            return self._send(200, b.robots.encode(), "text/plain")
        if path == "/" and path in b.trickled:
            return self._trickle(b"<html><body>" + b"home " * 2000 + b"</body></html>", "text/html")
        if path == "/sitemap.xml" and b.no_sitemap:
            return self._send(404, b"no sitemap", "text/plain")
        if path == "/sitemap.xml" and path in b.trickled:
            return self._trickle(self._urlset(b.sitemap_paths), "application/xml")
        if path == "/sitemap.xml":
            return self._send(200, self._urlset(b.sitemap_paths), "application/xml")
        if path == "/sitemap_index.xml":
            base = self._base()
            body = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                    f'sitemap/0.9"><sitemap><loc>{base}/sitemap-1.xml.gz</loc></sitemap><sitemap><loc>{base}'
                    '/sitemap-2.xml</loc></sitemap></sitemapindex>')
            return self._send(200, body.encode(), "application/xml")
        if path in ("/sitemap-1.xml.gz", "/sitemap-2.xml"):
            half = len(b.sitemap_paths) // 2
            part = b.sitemap_paths[:half] if path.endswith(".gz") else b.sitemap_paths[half:]
            body = self._urlset(part)
            return self._send(200, gzip.compress(body) if path.endswith(".gz") else body,
                              "application/x-gzip" if path.endswith(".gz") else "application/xml")
        for prefix, action in (("/r429/", self._429), ("/r503/", self._503), ("/reset/", self._reset)):
            if path.startswith(prefix) and hits == 1:
                return action()
            if path.startswith(prefix):
                return self._file(path[len(prefix) - 1:])
        if path.startswith("/slow/"):
            time.sleep(b.slow_s)
            return self._file(path[5:])
        if path.startswith("/trickle/"):
            return self._trickle((self.server.root / path[9:]).read_bytes(), "text/html; charset=utf-8")
        if path.startswith("/moved/"):
            return self._redirect(301, path[6:])
        if path.startswith("/loop/"):
            return self._redirect(302, "/loop/b.html" if path.endswith("a.html") else "/loop/a.html")
        if path == "/to-ftp.html":
            return self._redirect(302, "ftp://127.0.0.1/file.html")
        if path.startswith("/xrobots-otherbot/"):
            return self._file(path[17:], extra={"X-Robots-Tag": "otherbot: noindex, nofollow",
                                                "x-robots-tag": "max-snippet: 20"})
        if path.startswith("/xrobots-googlebot/"):
            return self._file(path[18:], extra={"X-Robots-Tag": "googlebot: none"})
        if path.startswith("/xrobots/"):
            return self._file(path[8:], extra={"X-Robots-Tag": "noindex, nofollow"})
        if path == "/noindex.html":
            return self._send(200, NOINDEX, "text/html; charset=utf-8")
        if path == "/binary.html":
            return self._send(200, PNG, "text/html")
        if path == "/huge.html":
            return self._huge()
        if path == "/multiple-choices.html":
            return self._send(300, b"<html><body><a href='/a'>a</a> or <a href='/b'>b</a></body></html>", "text/html")
        if path == "/no-location.html":
            return self._send(301, b"", "text/html")
        if path == "/bad-location.html":
            return self._redirect(302, "http://[::1")
        if path == "/compress.html":
            return self._send(200, bytes(range(1, 256)) * 8, "text/html", {"Content-Encoding": "compress"})
        if path == "/bad-gzip.html":
            return self._send(200, b"<html><body>not gzip</body></html>", "text/html", {"Content-Encoding": "gzip"})
        if path.startswith("/cookie/"):
            return self._file(path[7:], extra={"Set-Cookie": "session=secret; Path=/"})
        if re.match(r"^/copy\d+/", path):
            return self._file("/" + path.split("/", 2)[2])
        return self._file(path)

    def _base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _urlset(self, paths) -> bytes:
        base = self._base()
        locs = "".join(f"<url><loc>{base}/{p.lstrip('/')}</loc></url>" for p in paths)
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                f'sitemap/0.9">{locs}</urlset>').encode()

    def _file(self, path: str, extra: dict | None = None) -> None:
        root: Path = self.server.root
        if path.endswith("/"):
            path += "index.html"
        target = (root / path.lstrip("/")).resolve()
        only = self.b.only
        if (not str(target).startswith(str(root)) or not target.is_file()
                or (only is not None and path.lstrip("/") not in only)):
            return self._send(404, b"<html><body><h1>Not Found</h1></body></html>", "text/html")
        kind = "text/html; charset=utf-8" if target.suffix == ".html" else "application/octet-stream"
        return self._send(200, target.read_bytes(), kind, {**self.b.headers.get(path, {}), **(extra or {})})

    def _trickle(self, body: bytes, kind: str) -> None:
        """The body a byte every TRICKLE_GAP_S for Behaviour.slow_s seconds, then the rest (a tarpit: each read
        comes well within any read timeout, the whole answer does not)."""
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        sent, until = 0, time.monotonic() + self.b.slow_s
        try:
            while time.monotonic() < until and sent < len(body) - 1:
                self.wfile.write(body[sent:sent + 1])
                self.wfile.flush()
                sent += 1
                time.sleep(TRICKLE_GAP_S)
            self.wfile.write(body[sent:])
        except OSError:   # the client gave up on it
            self.close_connection = True

    def _padded_robots(self) -> None:
        """Behaviour.robots, then Behaviour.robots_padding bytes of comment lines in 64 KiB blocks; whether they all
        went out or the client hung up first is kept in Behaviour.robots_sent_whole."""
        rules, block = self.b.robots.encode(), (b"#" * 1023 + b"\n") * 64
        blocks = self.b.robots_padding // len(block)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(rules) + blocks * len(block)))
        self.end_headers()
        try:
            self.wfile.write(rules)
            for _ in range(blocks):
                self.wfile.write(block)
            self.b.robots_sent_whole = True
        except OSError:   # the client stopped reading
            self.b.robots_sent_whole = False
            self.close_connection = True

    def _send(self, status: int, body: bytes, kind: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _429(self) -> None:
        self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})

    def _503(self) -> None:
        self._send(503, b"busy", "text/plain")

    def _reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.connection.close()
        self.close_connection = True

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65536 + b"</p>"
        try:
            for _ in range(400):        # ~26 MB unless the client hangs up first
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True


class _TrackingServer(ThreadingHTTPServer):
    """Remembers open connections so stop() can cut them (shutdown() alone only stops accepting)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, *args, **kwargs):
        self.open_sockets: set = set()
        self.sockets_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        pass    # a client hanging up mid-answer (size cap, cancel) is expected here

    def drop_connections(self) -> None:
        with self.sockets_lock:
            sockets, self.open_sockets = list(self.open_sockets), set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SiteServer:
    """Start/stop a threaded server for one site folder; restartable on the same port (site down/up)."""

    def __init__(self, root: Path, port: int = 0, behaviour: Behaviour | None = None):
        self.root = Path(root).resolve()
        self.behaviour = behaviour or Behaviour()
        self.port = port
        self._server = None
        self._thread = None

    def start(self) -> SiteServer:
        server = _TrackingServer(("127.0.0.1", self.port), _Handler)
        server.root, server.behaviour = self.root, self.behaviour
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.drop_connections()     # kept-alive connections too: the site is really down
            self._thread.join(5)
            self._server = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"


def site_pages(root: Path) -> list[str]:
    """Relative paths of every .html file of the site, sorted."""
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*.html"))


if __name__ == "__main__":   # manual use: python3 tests/fetch_server.py FOLDER PORT
    import sys
    srv = SiteServer(Path(sys.argv[1]), int(sys.argv[2]))
    srv.behaviour.latency_s = float(os.environ.get("LATENCY_S", "0"))
    srv.start()
    threading.Event().wait()
