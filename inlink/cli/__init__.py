"""Command line over the job engine: `inlink ui|suggest`, `inlink jobs list|status|start|pause|resume|stop|delete|
export|cleanup|worker` (`python3 cli.py ...` in a clone).

A thin layer: every command is one JobManager or link-task call. Other modules add commands to the importable
`cli` group or to its `jobs` subgroup. Errors print one line to stderr and exit non-zero; no traceback reaches the
user. Starts fast: the link engine (numpy, scipy, pandas) and the Gemini SDK are imported only by the commands
that analyse (`suggest`, `jobs start`, `jobs worker`), never by `--help`, `jobs list` or `jobs status`.
"""
from __future__ import annotations

from inlink.cli import analyse, dashboard, fetch, jobs
from inlink.cli.analyse import AGAIN_AS_A_JOB  # noqa: F401  (the tests' entry)
from inlink.cli.root import cli, main  # noqa: F401  (the console script and the tests' entry)

cli.add_command(jobs.jobs)
analyse.register(cli, jobs.jobs)      # `suggest` and `jobs start` (they import the link engine only when run)
fetch.register(cli, jobs.jobs)        # `fetch` and `jobs fetch` (they import httpx only when run)
dashboard.register(cli)
