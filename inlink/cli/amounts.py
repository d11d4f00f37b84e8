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
    refused as "min_confidence must be ...", a name the command line does not have."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


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
