"""Test-only launcher of the real dashboard server, with the link analysis held page by page by a gate.

The browser test starts the server as `python3 tests/e2e_server.py run streamlit_app.py --server.port N ...`
(the arguments of `streamlit run`) with INLINK_E2E_GATE=<file>. Before handing over to Streamlit's own command
line, this module registers GatedAnalysis under the link analysis task's name, so every analysis the
dashboard starts in that server is the real one, except that page i starts only once the gate file holds a
number greater than i ("3": pages 0, 1 and 2 may run). The test opens the gate as far as each step needs, so
a job is running, paused or finished when the test looks, whatever the machine's speed. A pause or stop
request lets the waiting page through, so the job stops at its next page boundary as it would anyway.

With INLINK_E2E_MEDIA_AFTER_RUNS=n it also serves each /media/ file late (serve_media_late).

Nothing in the product knows about this: the hook is this launcher, used only by the tests/test_e2e_*.py.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GATE_ENV = "INLINK_E2E_GATE"
LATE_MEDIA_ENV = "INLINK_E2E_MEDIA_AFTER_RUNS"   # serve_media_late's passes (tests/test_e2e_downloads.py)
POLL_S = 0.02          # how often a held page looks at the gate file (the task waiting, not the test)


def allowed_pages(gate: Path) -> int:
    """The gate's number; 0 while the file is missing or being replaced."""
    try:
        return int(gate.read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def set_gate(gate: Path, pages: int) -> None:
    """Let pages 0 .. pages-1 run (written whole: the server never reads half a number)."""
    temporary = gate.with_name(gate.name + ".tmp")
    temporary.write_text(str(int(pages)))
    os.replace(temporary, gate)


def register_gated_analysis(gate: Path) -> None:
    from inlink.jobs.manager import register_task
    from inlink.tasks.analysis import LinkAnalysisTask

    class GatedAnalysis(LinkAnalysisTask):
        def process(self, ctx, item):
            positions = ctx.state.setdefault("e2e_positions",
                                             {key: i for i, key in enumerate(self.items(ctx))})
            held = threading.Event()
            while positions[item] >= allowed_pages(gate) and not ctx.should_stop():
                held.wait(POLL_S)
            return super().process(ctx, item)

    register_task(GatedAnalysis())


def serve_media_late(passes: int) -> None:
    """Serve each /media/ file (a download, an image) only after `passes` more script runs have ended, as a busy
    browser or a slow link would fetch it: every run ends by collecting the media files no session references,
    so a file a page no longer holds is gone by then. Only the server's own routes are wrapped."""
    import asyncio

    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.web.server.starlette import starlette_app

    ended = [0]
    collect = MediaFileManager.remove_orphaned_files

    def counted(self) -> None:
        collect(self)
        ended[0] += 1

    def late_routes(*args, **kwargs):
        routes = create(*args, **kwargs)
        for route in routes:
            inner = route.app

            async def late(scope, receive, send, inner=inner):
                if scope.get("method") == "GET":
                    target = ended[0] + passes
                    while ended[0] < target:
                        await asyncio.sleep(POLL_S)
                await inner(scope, receive, send)
            route.app = late
        return routes

    create = starlette_app.create_media_routes
    MediaFileManager.remove_orphaned_files = counted
    starlette_app.create_media_routes = late_routes


def main() -> None:
    sys.path.insert(0, str(ROOT))
    register_gated_analysis(Path(os.environ[GATE_ENV]))
    if os.environ.get(LATE_MEDIA_ENV):
        serve_media_late(int(os.environ[LATE_MEDIA_ENV]))
    from streamlit.web.cli import main as streamlit_main

    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
