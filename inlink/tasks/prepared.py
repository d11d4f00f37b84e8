"""A preparation step's output (the parsed site, the link index) restored from the job's folder or built and
saved there: the glue between the link task and saved_state.py.

Why a key: saved state is only valid for the inputs and config it was built from; the key is a digest of the
job's input files (by content) and its config, so a changed input or option rebuilds it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

from inlink.jobs import TaskContext
from inlink.tasks import saved_state

INPUT_NAMES = ("pages", "links")   # the job's input files, by their key in config["files"]


def state_path(ctx: TaskContext, name: str) -> Path:
    return ctx.state_dir / f"{name}{saved_state.SUFFIX}"


def restored_or_built(ctx: TaskContext, name: str, build: Callable[[], object], quiet: bool = False) -> object:
    """What a preparation step built in an earlier run of this job (or, for the site, what start_analysis
    parsed when it validated the files), else build it now and save it.

    Saved before any page touches it (the index's inbound counts are replayed from the committed rows after),
    so a restored object equals a freshly built one. A save the disk refuses only costs the next resume a
    rebuild: the job goes on. `quiet`: a restore is not said in the job's events (a small by-product, not a step's
    work).
    """
    path = state_path(ctx, name)
    key = job_state_key(ctx)
    restored, problem = saved_state.load(path, key)
    if problem is None:
        if not quiet:
            ctx.log(f"Restored the {name} saved by an earlier run.")
        return restored
    seeded = _seeded(ctx, name, key)
    if seeded is not None:
        return seeded
    built = build()
    if problem != "is missing":
        ctx.log(f"The saved {name} {problem}: it was rebuilt.")
    try:
        saved_state.remove_leftovers(ctx.state_dir)
        saved_state.save(path, built, key)
    except saved_state.SAVE_ERRORS as exc:   # a full disk, or an object the engine made unpicklable
        ctx.log(f"Could not save the {name} for a faster resume ({type(exc).__name__}: {exc}); the job goes on.")
    return built


def _seeded(ctx: TaskContext, name: str, key: str) -> object | None:
    """The object start_analysis saved with the job's inputs (the site it parsed to validate the files, so a
    job parses its crawl once), or None when there is none or it cannot be used (then the step rebuilds it).
    It is read, never written: a resume restores it again from there."""
    seed = (ctx.config.get("files") or {}).get(f"{name}_state")
    if not seed:
        return None
    restored, problem = saved_state.load(ctx.input_dir / seed, key)
    if problem is None:
        ctx.log(f"Restored the {name} parsed when the job was created.")
        return restored
    if problem != "is missing":
        ctx.log(f"The {name} saved when the job was created {problem}: it is parsed again.")
    return None


def job_state_key(ctx: TaskContext) -> str:
    """What the saved state was built from: the job's input files (by content) and its config."""
    key = ctx.state.get("_state_key")
    if key is None:
        files = ctx.config.get("files") or {}
        key = ctx.state["_state_key"] = state_key(
            {name: saved_state.file_digest(ctx.input_dir / files[name]) for name in INPUT_NAMES if files.get(name)},
            ctx.config)
    return key


def state_key(input_digests: Mapping[str, str], config: Mapping) -> str:
    """The key of saved state built from inputs with these digests (by input name) under this job config;
    start_analysis computes it from the bytes before the job exists, a run from the job's copies."""
    return saved_state.json_digest({"inputs": dict(input_digests), "config": config})
