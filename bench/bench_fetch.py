"""Fetch throughput and memory against the local site (python-docs HTML served on 127.0.0.1).

1. pages/s of the client with a fixed server latency per response (default 50 ms) for 1, 4 and 16 connections,
   against the ideal min(connections / latency, rate limit) and against the server's own capacity measured in
   the same run (16 connections, no latency, no rate limit): ratios, not absolute times.
2. peak memory (max RSS of a child process running the real fetch job: JobManager + FetchTask) for 1k and 10k
   URLs (the same small page served under many paths): the 10k/1k ratio should stay near 1.
3. the CPU of reading a fetched page (extract.parse_page: main content, text and blocks, links and their
   positions) over every HTML page of the site, as a multiple of lxml's plain parse of the same pages in the same
   run (lxml.html.document_fromstring: what any reader of the page pays at least).
Run: python3 bench/bench_fetch.py [--latency 0.05] [--rate 100] [--small 1000] [--large 10000] [--skip-memory]
                                  [--skip-extraction]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fetch_server import unpack_site
from inlink.fetch.client import Fetcher, FetchSettings

PAGE = "distutils/packageindex.html"     # a small page (9 kB): the bench measures fetching, not parsing

CHILD = """
import json, resource, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
from inlink.jobs.manager import JobManager
from inlink.tasks import fetch as fetch_task
manager = JobManager(sys.argv[2])
job = fetch_task.start_fetch(manager, open(sys.argv[3], "rb").read(), name="urls.txt",
                             options={"connections": 8, "rate_per_s": 0})
started = time.perf_counter()
meta = manager.wait(job, 900)
seconds = time.perf_counter() - started
manager.shutdown(timeout=10)
print(json.dumps({"status": meta["status"], "items": meta["items_done"], "seconds": seconds,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def urls(server, n: int) -> list[str]:
    return [server.url(f"copy{i}/{PAGE}") for i in range(n)]


def pages_per_second(server, connections: int, rate: float, n: int, threads: bool = False) -> float:
    """Async: every URL gathered on the fetcher's loop (`cli.py fetch`). Threads: `connections` worker threads
    each calling the blocking fetch() (the job engine's items in flight), all served by the same loop."""
    settings = FetchSettings(connections=connections, rate_per_s=rate, respect_robots=False)
    with Fetcher(settings, site=server.base) as fetcher:
        async def every(batch):
            return await asyncio.gather(*(fetcher.afetch(u) for u in batch))

        def run(batch):
            if not threads:
                return fetcher.run(every(batch))
            with ThreadPoolExecutor(connections) as pool:
                return list(pool.map(fetcher.fetch, batch))
        run(urls(server, connections))                 # warm the connections
        started = time.perf_counter()
        results = run(urls(server, n))
        seconds = time.perf_counter() - started
        assert all(r.ok for r in results), [r.reason for r in results if not r.ok][:3]
        return n / seconds


def throughput(server, latency: float, rate: float) -> None:
    server.set_latency(0.0)
    capacity = pages_per_second(server, 16, 0, 600)
    print(f"server capacity (16 connections, no latency, no rate limit): {capacity:.0f} pages/s")
    server.set_latency(latency)
    for connections in (1, 4, 16):
        ideal = min(connections / latency, rate) if rate else connections / latency
        n = max(40, int(ideal * 4))
        for threads in (False, True):
            got = pages_per_second(server, connections, rate, n, threads)
            print(f"connections {connections:>2} ({'threads' if threads else 'async  '}): {got:7.1f} pages/s, "
                  f"ideal {ideal:6.1f} (min({connections}/{latency}s, {rate:g}/s)) -> {got / ideal:.2f} of ideal, "
                  f"{got / capacity:.2f} of server capacity")


def memory(server, small: int, large: int) -> None:
    server.set_latency(0.0)
    peaks = {}
    for n in (small, large):
        with tempfile.TemporaryDirectory() as jobs:
            listing = Path(jobs) / "urls.txt"
            listing.write_text("\n".join(urls(server, n)))
            out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), jobs, str(listing)], capture_output=True,
                                 text=True, timeout=1200)
            result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["status"] == "completed" and result["items"] == n, (result, out.stderr[-2000:])
        peaks[n] = result["peak_kb"]
        print(f"fetch job of {n:>6} URLs: peak RSS {result['peak_kb'] / 1024:.0f} MiB, "
              f"{n / result['seconds']:.0f} pages/s (fetch + parse + checkpoint)")
    print(f"peak memory {large}/{small} URLs: {peaks[large] / peaks[small]:.2f}x (flat = 1.00)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-extraction", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = unpack_site(Path(tmp) / "site")
        server = ServerProcess(root)
        try:
            throughput(server, args.latency, args.rate)
            if not args.skip_memory:
                memory(server, args.small, args.large)
        finally:
            server.stop()
        if not args.skip_extraction:
            extraction(root)


def extraction(root: Path, rounds: int = 3) -> None:
    """parse_page over every page against lxml's plain parse of the same pages: the best of `rounds` each."""
    import lxml.html

    from inlink.fetch.extract import parse_page

    pages = [(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8", errors="replace"))
             for path in sorted(root.rglob("*.html"))]

    def best(read) -> float:
        times = []
        for _round in range(rounds):
            start = time.perf_counter()
            for name, html in pages:
                read(name, html)
            times.append(time.perf_counter() - start)
        return min(times)

    plain = best(lambda name, html: lxml.html.document_fromstring(html.encode("utf-8")))
    read = best(lambda name, html: parse_page(html, f"http://127.0.0.1:1/{name}"))
    print(f"reading a page ({len(pages)} pages): {1000 * read / len(pages):.1f} ms each, {read / plain:.1f}x lxml's "
          f"plain parse ({1000 * plain / len(pages):.1f} ms)")


class ServerProcess:
    """The test site server in its own process (sharing the bench's GIL would slow both), restarted to change
    its latency."""

    def __init__(self, root: Path):
        self.root, self.port, self.process = root, _free_port(), None
        self.latency = None

    def set_latency(self, latency: float) -> None:
        if latency == self.latency:
            return
        self.stop()
        env = {**os.environ, "LATENCY_S": str(latency)}
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fetch_server.py"), str(self.root),
                                         str(self.port)], env=env)
        self.latency = latency
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            threading.Event().wait(0.05)
        raise RuntimeError("the site server did not start")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
