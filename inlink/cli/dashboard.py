"""`ui`: the dashboard on localhost, with the repository's Streamlit settings from any folder."""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import click

from inlink import resources
from inlink.cli.amounts import Whole


@click.command("ui", short_help="Start the dashboard on localhost.")
@click.option("--port", type=Whole(1, 65535), default=None, help="Port (default: 8501, or the next free port when another program holds it).")
@click.pass_context
def ui_cmd(ctx: click.Context, port: int | None) -> None:
    """Start the dashboard on localhost: the README's `streamlit run streamlit_app.py`, with its settings."""
    command = [sys.executable, "-m", "streamlit", "run", str(resources.app_script()),
               *streamlit_flags(resources.streamlit_config()), "--server.address=localhost"]
    if port:
        _refuse_a_taken_port(port)
        command.append(f"--server.port={port}")
    env = dict(os.environ)
    if ctx.obj.get("jobs_dir"):
        env["INLINK_JOBS_DIR"] = str(Path(ctx.obj["jobs_dir"]).resolve())
    sys.stdout.flush()
    os.execve(sys.executable, command, env)   # Streamlit takes over this process (and its Ctrl-C)


def _refuse_a_taken_port(port: int) -> None:
    """A --port another program holds is refused in words: Streamlit said only "<timestamp> Port 8765 is not
    available" and exited 1 (without --port it takes the next free port itself, so only a chosen one can fail)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the server binds: a closed port is free
        try:
            probe.bind(("localhost", port))
        except OSError as exc:
            raise click.ClickException(f"port {port} on localhost is not free ({exc.strerror or exc}): another "
                                       "program, or another dashboard, listens on it; give another with --port N, "
                                       "or leave --port out to take the next free one") from None


def streamlit_flags(config_file: Path) -> list[str]:
    """`--section.option=value` for every setting of a .streamlit/config.toml, so the dashboard runs with the
    repository's settings from any folder, and from an installed copy."""
    import tomllib

    try:
        settings = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    flags = []
    for section, options in settings.items():
        for name, value in (options.items() if isinstance(options, dict) else ()):
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{name}={text}")
    return flags


def register(cli: click.Group) -> None:
    cli.add_command(ui_cmd)
