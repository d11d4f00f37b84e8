"""Public entry point of the offline link engine: pages in, suggestions out, one page at a time.

The engine lives in `inlink.links`; this module only re-exports its public API (see docs/architecture.md).
"""
from inlink.links.index import AnalysisConfig, LinkIndex, build_index  # noqa: F401
from inlink.links.suggest import (ENGINE, RESULT_COLUMNS, Candidate, analyze_page, candidates_for,  # noqa: F401
                                  record_suggestions, source_pages, summarize, validate_suggestion)
