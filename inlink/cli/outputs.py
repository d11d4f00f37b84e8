"""The checks on an output file that every command writing one makes before any work: its folder exists, an
old .xls is refused, no output is another output or one of the inputs (`suggest`, `jobs export`, `fetch`,
`jobs fetched`)."""
from __future__ import annotations

import os
from pathlib import Path

import click

from inlink.fileio import check_user_file, to_stdout


def out_file_or_stdout(ctx, param, value: Path | None) -> Path | None:
    """out_file, or "-": the rows as CSV on standard output (`suggest` and `jobs export`, which write one file; the
    command's own lines then go to stderr, see to_stdout)."""
    if value is not None and to_stdout(value):
        return value
    return out_file(ctx, param, value)


def out_file(ctx, param, value: Path | None) -> Path | None:
    """An output file's folder must exist: said before the work, not after it (a whole analysis or fetch ran,
    then "[Errno 2] No such file or directory"). A suggestions file named .xlsx is written as a workbook; an old
    .xls cannot be."""
    if value is not None and to_stdout(value):   # read "-: the file is written as CSV ..., so name it .csv"
        raise click.BadParameter("'-' (standard output) is not written to: the command writes two files, so give "
                                 "file names")
    if value is not None and not value.absolute().parent.is_dir():
        raise click.BadParameter(f"the folder {value.absolute().parent} does not exist")
    if value is not None and value.suffix.lower() == ".xls":
        raise click.BadParameter(f"{value.name}: old Excel .xls files are not written; name it .xlsx (a workbook) "
                                 "or .csv")
    if value is not None and value.suffix.lower() not in WRITTEN_SUFFIXES:
        raise click.BadParameter(f"{value.name}: the file is written as CSV (or as a workbook when named .xlsx), "
                                 "so name it .csv or .xlsx")
    if value is not None:
        _refuse_job_file(ctx, value)
        try:                            # a read-only folder was said after the whole analysis or fetch
            check_user_file(value)
        except OSError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


def _refuse_job_file(ctx, value: Path) -> None:
    """An output that is one of a job's own files is refused (`jobs export ID -o jobs/ID_results.csv` replaced the
    job's results with their export)."""
    from inlink.jobs import job_of_file

    job_id = job_of_file(value, (ctx.obj or {}).get("jobs_dir"))
    if job_id:
        raise click.BadParameter(f"{value}: this is a file of job {job_id} in the jobs folder: give a file name "
                                 "outside the job's files")


#: What an output file may be named: its name says its format. A .txt of comma-separated text was written too, and
#: a spreadsheet opens a .txt as tab-separated (each row in one cell); the README and the refusal named .csv and
#: .xlsx only.
WRITTEN_SUFFIXES = (".csv", ".xlsx")


def refuse_overwriting(outputs: dict[str, Path], inputs: dict[str, Path | None]) -> None:
    """Refuse (a usage error, before any work) an output file that is another output or one of the inputs: the
    suggestions were written over the crawl they came from (`suggest crawl.csv --out crawl.csv`), and a fetch's
    links over its pages."""
    seen: dict[Path, str] = {}
    for name, path in {**inputs, **outputs}.items():
        if path is None or to_stdout(path):
            continue
        real = Path(os.path.realpath(path))
        if real in seen:
            raise click.UsageError(f"{name} is the same file as {seen[real]} ({path}): give another file name")
        seen[real] = name
