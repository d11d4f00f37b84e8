"""What a Gemini analysis of a dataset may cost, said before Start: from its pages' text and the model's price.

Why an estimate from the text, not from the prompts themselves: a prompt is built from the link index (its
candidates and their evidence), seconds to minutes to build for a large site. The page's text, trimmed to the
token budget, is most of a prompt; the candidates add about CANDIDATE_TOKENS each. Measured against the prompts the
engine builds on five documentation sites (python-docs, django-docs, GIMP, the Rust book, PostgreSQL: 4.3 to 6.5
candidates above the floor a page, about 120 tokens each), the estimate's prompt tokens run 10-60% over theirs, as
an estimate of a bill should: it counts every analysable page, where a page with no candidate makes no call.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inlink.gemini.prompt import CHARS_PER_TOKEN, SYSTEM_INSTRUCTION
from inlink.gemini.settings import GeminiSettings
from inlink.wording import counted, usd

#: The prompt's parts besides the page's text and the candidates: the instructions and the page's own fields.
FIXED_TOKENS = len(SYSTEM_INSTRUCTION) // CHARS_PER_TOKEN + 100
CANDIDATE_TOKENS = 125     # a candidate's lines: its URL, title, suggested anchor, confidence and evidence
TYPICAL_CANDIDATES = 8     # candidates above the floor a page (4.3-6.5 measured; rounded up)
PICK_TOKENS = 60           # one pick of the answer (destination, anchor, reason, score) in JSON
ANSWER_TOKENS = 40         # the answer's own frame


@dataclass(frozen=True)
class CostEstimate:
    """An analysis's likely Gemini bill: its pages, the tokens read and written, and their cost at the model's price
    (an unknown model's at the dearest known rates, as its spend is counted)."""

    pages: int
    prompt_tokens: int
    answer_tokens: int
    usd: float
    price_known: bool


def estimate_cost(text_chars: Sequence[int], settings: GeminiSettings, max_links: int) -> CostEstimate:
    """The estimate for pages whose body texts are `text_chars` characters long, each asked once with up to
    `max_links` picks. A model given a thinking budget may think up to it on every page: counted whole."""
    budget = settings.source_token_budget
    fixed = FIXED_TOKENS + TYPICAL_CANDIDATES * CANDIDATE_TOKENS
    prompt = sum(min(int(chars) // CHARS_PER_TOKEN, budget) + fixed for chars in text_chars)
    answer = len(text_chars) * (ANSWER_TOKENS + max(int(max_links), 0) * PICK_TOKENS
                                + max(settings.thinking_budget_sent() or 0, 0))
    return CostEstimate(len(text_chars), prompt, answer, settings.price().cost(prompt, answer),
                        settings.price_known())


def estimate_words(found: CostEstimate, model: str, budget_usd: float | None = None) -> str:
    """The estimate in a sentence, for the dashboard and the command line alike (and whether it passes the budget
    cap, which pauses the job when its spend reaches it)."""
    price = f"{model}'s price" if found.price_known else f"the dearest known price ({model} is not in the price table)"
    said = (f"Estimated cost: about {usd(found.usd)} for {counted(found.pages, 'page')}, one call each (about "
            f"{_tokens(found.prompt_tokens)} tokens read and {_tokens(found.answer_tokens)} written, at {price}; a "
            "page with no candidate makes no call). Google bills the tokens used.")
    if budget_usd and found.usd > budget_usd:
        said += f" Above the {usd(budget_usd)} budget cap: the job pauses when its spend reaches it."
    return said


def _tokens(count: int) -> str:
    """'2.2 million', '6,400': a count of tokens, rounded as an estimate is."""
    return f"{count / 1e6:,.1f} million" if count >= 1_000_000 else f"{round(count, -2 if count >= 1000 else -1):,}"
