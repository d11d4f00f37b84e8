"""The options of a link analysis: their names and defaults, their checks, and the engine configuration they
make. Kept apart from the task (analysis.py) because the CLI and the dashboard check options before any job
exists, and a bad value must be refused in words, not carried into a job.
"""
from __future__ import annotations

import math
from typing import Mapping

from inlink.links import suggest as analyzer

ENGINES = ("offline", "gemini")

#: Options a user may set, with their defaults. Anything else is refused, so typos do not pass silently.
DEFAULT_OPTIONS: dict = {
    "max_per_page": 5,
    "max_inbound_per_target": None,
    "exclude_patterns": [],
    "min_confidence": None,   # the engine's confidence floor (0-1); None = the engine's default
    "high_confidence": None,  # tier cut-offs (0-1): a row at or above it is "high"; None = the engine's default
    "medium_confidence": None,
    "model": None,            # Gemini model; None = the configured default
    "budget_usd": None,       # Gemini spend after which the job pauses
    "rpm": None,              # Gemini requests per minute; None = the configured default
    "throttle_s": 0.0,        # pause after each page (demos and browser tests watch a job advance)
}


#: Options that map one to one onto the engine's confidence settings (AnalysisConfig fields of the same name).
CONFIDENCE_OPTIONS = ("min_confidence", "high_confidence", "medium_confidence")


class OptionError(ValueError):
    """An analysis option has a wrong name or value; the message says which and why."""

    plain_message = True   # a job failing on one shows its message as it stands (jobs/runner.py)


class MissingApiKey(OptionError):
    """The Gemini engine was chosen but no key was given or found in the environment."""


def clean_options(engine: str, options: Mapping | None) -> dict:
    """Check the engine and options a user gave and return the full option set (defaults filled in)."""
    if engine not in ENGINES:
        raise OptionError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    given = dict(options or {})
    unknown = sorted(set(given) - set(DEFAULT_OPTIONS))
    if unknown:
        raise OptionError(f"unknown option(s): {', '.join(unknown)}")
    merged = {**DEFAULT_OPTIONS, **{k: v for k, v in given.items() if v is not None}}
    _check_positive_int(merged, "max_per_page")
    for name in ("max_inbound_per_target", "rpm"):
        if merged[name] is not None:
            _check_positive_int(merged, name)
    merged["exclude_patterns"] = check_exclude_patterns(merged["exclude_patterns"])
    if not _as_number(merged["throttle_s"]) >= 0:
        raise OptionError(f"throttle_s must be zero or more seconds, not {merged['throttle_s']!r}")
    check_confidences(merged)
    if merged["budget_usd"] is not None and not _as_number(merged["budget_usd"]) > 0:
        raise OptionError(f"budget_usd must be a positive amount of US dollars, not {merged['budget_usd']!r}")
    merged["engine"] = engine
    if engine == "gemini" and not merged["model"]:
        merged["model"] = _configured_model()
    return merged


def _configured_model() -> str:
    """The Gemini model the settings give now ($INLINK_GEMINI_MODEL, the settings file, else the default), kept in
    the job's options: the process that resumes a job may be configured otherwise, and switched its model (and
    price) mid-job, where the answers kept for a resume, asked of the first model, were then never reused."""
    from inlink.gemini.settings import GeminiSettings, SettingsError   # light: not the SDK

    try:
        return GeminiSettings.from_options().model
    except SettingsError as exc:
        raise OptionError(str(exc)) from None


def check_confidences(options: Mapping) -> None:
    """The floor and the tier cut-offs are 0-1, and the medium cut-off is not above the high one (the command line
    asks it before any work, to say a wrong pair as the usage error it is)."""
    for name in CONFIDENCE_OPTIONS:
        if options[name] is not None and not 0 <= _as_number(options[name]) <= 1:
            raise OptionError(f"{name} must be a number from 0 to 1, not {options[name]!r}")
    defaults = analyzer.AnalysisConfig()
    high = defaults.high_confidence if options["high_confidence"] is None else float(options["high_confidence"])
    medium = defaults.medium_confidence if options["medium_confidence"] is None else float(options["medium_confidence"])
    if medium > high:
        raise OptionError(f"the medium tier's cut-off ({medium:g}) must not be above the high tier's ({high:g})")


#: How an exclude pattern matches, said where one is refused (the dashboard's box says it in its help).
PATTERN_SHAPES = ('plain text matches anywhere in the URL; a glob such as "*/tag/*" matches the whole URL, or its '
                  'path when it starts with a slash ("/blog/*")')


class ExcludesEveryPage(OptionError):
    """The exclude patterns leave out every page that could be analysed: a job of them would analyse nothing and
    end "completed" with no row. ``patterns``: the ones the message names."""

    def __init__(self, message: str, patterns: list[str]):
        super().__init__(message)
        self.patterns = patterns


def check_exclude_patterns(patterns: object) -> list[str]:
    """The exclude patterns, stripped; an empty one is refused. It was dropped without a word: `--exclude ''` (a
    variable left unset in a script) ran as if no pattern were given, where the user meant to leave pages out."""
    if not isinstance(patterns, (list, tuple)):
        raise OptionError(f"exclude_patterns must be a list of URL patterns, not {patterns!r}")
    cleaned = [str(pattern).strip() for pattern in patterns]
    if "" in cleaned:
        raise OptionError("an exclude pattern is empty, and an empty pattern leaves out nothing: give the URL "
                          f"pattern of the pages to leave out ({PATTERN_SHAPES}), or give none")
    return cleaned


def refuse_excluding_every_page(urls: list[str], patterns: list[str]) -> None:
    """Raise ExcludesEveryPage when `patterns` leave out every one of `urls` (the pages that could be analysed),
    naming the patterns that do: each one that alone leaves out every page, else every one that leaves out some.
    Why: `--exclude '*'` (or a box of patterns that together cover the site) queued a job, or wrote a file, of no
    row, said only in a note after the work; nothing can come of it, so it is refused before any."""
    if not urls or not patterns:
        return
    if any(not analyzer.matches_pattern(url, patterns) for url in urls):   # most often the first URL: done
        return
    reach = {pattern: sum(analyzer.matches_pattern(url, [pattern]) for url in urls) for pattern in patterns}
    alone = [pattern for pattern, count in reach.items() if count == len(urls)]
    named = alone or [pattern for pattern, count in reach.items() if count]
    quoted = ", ".join(f'"{pattern}"' for pattern in named)
    pages = "the only page that could be analysed" if len(urls) == 1 else \
        f"all {len(urls):,} pages that could be analysed"
    if len(named) == 1:
        said, fix = f"the exclude pattern {quoted} leaves out {pages}", "remove it, or narrow it"
    else:
        together = "each" if alone else "together"
        said, fix = f"the exclude patterns {quoted} {together} leave out {pages}", "remove some, or narrow them"
    raise ExcludesEveryPage(f"{said}, so nothing is left to analyse: {fix} to the pages to leave out "
                            f"({PATTERN_SHAPES})", named)


def _check_positive_int(options: dict, name: str) -> None:
    value = options[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError(f"{name} must be a whole number of at least 1, not {value!r}")


def _as_number(value: object) -> float:
    """The value as a float; NaN (which fails every bound) when it is not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def analysis_config(options: Mapping) -> analyzer.AnalysisConfig:
    """The offline engine's configuration for a set of cleaned options."""
    return analyzer.AnalysisConfig(
        max_per_page=options["max_per_page"],
        max_inbound_per_target=options["max_inbound_per_target"],
        exclude_patterns=tuple(options["exclude_patterns"]),
        **{name: float(options[name]) for name in CONFIDENCE_OPTIONS if options.get(name) is not None},
    )


