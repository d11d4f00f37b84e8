"""A browser test's websocket frames, recorded per tab and read back as a timeline: how a flaky page is diagnosed.

Why: a Streamlit page that shows less than the server drew leaves no trace in the server's log or the browser's
console; the frames between them say which run sent what, and in which order. This is how the job page's missing
review was traced to a fragment's dropped container (inlink/ui/fragments.py).

Record: INLINK_WS_DUMP=<folder> python3 -m pytest -n 0 -m browser ... (open_page in test_e2e_browser.py records
each tab it opens into <folder>/tab<N>_<path>.frames). Read: python3 tests/ws_frames.py <folder>/tab003_....frames
prints one line a message: seconds since the first, direction, kind, and for deltas the path, fragment and element.
"""
from __future__ import annotations

import os
import pickle
import re
import sys
import time
from itertools import count
from pathlib import Path

DUMP_ENV = "INLINK_WS_DUMP"
_TABS = count(1)


def record(page, path: str) -> None:
    """When DUMP_ENV names a folder, append every frame of the tab's websockets to a file there."""
    folder = os.environ.get(DUMP_ENV)
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)   # a folder not made yet failed every frame's write
    out = Path(folder) / f"tab{next(_TABS):03d}_{re.sub(r'[^A-Za-z0-9=.-]+', '_', path) or 'home'}.frames"

    def keep(direction: str, payload) -> None:
        with open(out, "ab") as file:
            pickle.dump((time.time(), direction, payload), file)

    def on_websocket(socket) -> None:
        socket.on("framereceived", lambda payload: keep("in", payload))
        socket.on("framesent", lambda payload: keep("out", payload))
    page.on("websocket", on_websocket)


def frames(path: Path):
    """(time, direction, payload) of each recorded frame, in order."""
    with open(path, "rb") as file:
        while True:
            try:
                yield pickle.load(file)
            except EOFError:
                return


def describe(direction: str, payload: bytes) -> str:
    """One message in a line: a BackMsg's rerun request, a ForwardMsg's kind, run and (for a delta) place."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return f"{direction} text {payload[:80]}"
    if direction == "out":
        message = BackMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "rerun_script":
            return f"OUT rerun fragment={message.rerun_script.fragment_id[:6]!r}"
        return f"OUT {kind}"
    message = ForwardMsg.FromString(payload)
    kind = message.WhichOneof("type")
    run = message.metadata.run
    line = f"IN  {kind}"
    if kind == "delta":
        delta = message.delta
        change = delta.WhichOneof("type")
        what = (delta.new_element.WhichOneof("type") if change == "new_element"
                else delta.add_block.WhichOneof("type") if change == "add_block" else "")
        line += f" {list(message.metadata.delta_path)} fragment={delta.fragment_id[:6]!r} {change} {what}"
    elif kind == "script_finished":
        line += " " + ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
    elif kind == "auto_rerun":
        line += f" every {message.auto_rerun.interval:g} s fragment={message.auto_rerun.fragment_id[:6]!r}"
    if message.metadata.HasField("run"):
        line += f" run={run.script_run_id[:6]} fragments={[f[:6] for f in run.fragment_ids]}"
    return line


USAGE = "usage: python3 tests/ws_frames.py FRAMES_FILE... (recorded with INLINK_WS_DUMP=<folder>, see its docstring)"


def main(paths: list[str]) -> int:
    """Print each file's timeline; 2 with the usage line when no file is named (or --help), 1 when one cannot be
    read: the README's command, run without a file or with a wrong one, printed nothing or a traceback."""
    if not paths or any(path in ("-h", "--help") for path in paths):
        print(USAGE, file=sys.stderr if not paths else sys.stdout)
        return 2 if not paths else 0
    for path in paths:
        first = None
        try:
            for at, direction, payload in frames(Path(path)):
                first = at if first is None else first
                print(f"{at - first:8.3f} {describe(direction, payload)}")
        except (OSError, pickle.UnpicklingError, ValueError) as exc:
            print(f"error: {path}: cannot be read as recorded frames ({exc})", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
