"""The numbers options take: finite ones (Finite), and the US-dollar amount a `--budget` takes: a finite number
above 0.

Why not click.FloatRange alone: "nan" and "inf" parse as floats and pass its bounds (no comparison with NaN is
true), so `--budget nan` reached the engine's settings check ("budget_usd must be ...", exit 1) and `--budget inf`
showed as "of a $inf budget"."""
from __future__ import annotations

import math

import click


class Finite(click.FloatRange):
    """A FloatRange that also refuses "nan" and "inf" (a usage error): `--days nan` removed nothing and said
    "removed 0 jobs", `--max-mb nan` failed as "cannot convert float NaN to integer", `--min-confidence nan` was
    refused as "min_confidence must be ...", a name the command line does not have. Shown in --help as NUMBER
    (click's "FLOAT RANGE" read as if a range were asked for; the bounds are said after the help text)."""

    name = "number"

    def convert(self, value, param, ctx):
        _refuse_words(self, value, float, "a number", param, ctx)
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class Whole(click.IntRange):
    """An IntRange whose refusal of what is no whole number says so: click's read "'abc' is not a valid integer
    range." (and "'1.5' is not a valid integer range." of --connections 1.5), as if a range were asked for; shown in
    --help as INTEGER, not "INTEGER RANGE"."""

    name = "integer"

    def convert(self, value, param, ctx):
        _refuse_words(self, value, int, "a whole number", param, ctx)
        return super().convert(value, param, ctx)


def _refuse_words(kind: click.ParamType, value, parse, what: str, param, ctx) -> None:
    """Fail, as a usage error, on a typed value that `parse` cannot read, saying what was expected (click's
    FloatRange said "'abc' is not a valid float range.")."""
    if not isinstance(value, str):
        return
    try:
        parse(value.strip())
    except ValueError:
        kind.fail(f"{value!r} is not {what}", param, ctx)


class Dollars(click.FloatRange):
    """A finite amount above 0, refused as a usage error otherwise."""

    name = "dollars"

    def __init__(self) -> None:
        super().__init__(min=0, min_open=True)

    def convert(self, value, param, ctx):
        if isinstance(value, str):      # "$5", as a budget is often written
            value = value.strip().removeprefix("$").strip()
        try:
            amount = float(value)
        except (TypeError, ValueError):   # said as no amount: click's own words read "'abc' is not a valid dollars."
            amount = math.nan
        if not math.isfinite(amount):
            self.fail(f"{value!r} is no amount: give US dollars above 0, e.g. 2.50", param, ctx)
        return super().convert(amount, param, ctx)


DOLLARS = Dollars()
