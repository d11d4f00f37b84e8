"""Gemini's answers as the engine reads them: the response schema (LinkPicks), what each answer cost (Usage), why an
answer cannot be used (withheld for what the page holds, cut at the output limit, not in the schema's shape), and
the record of a paid answer kept until its page is committed (AnswerStore, answer_key, kept_record), so a resumed
job neither pays for it twice nor forgets what it cost."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Iterable, Protocol

from pydantic import BaseModel, Field, ValidationError, field_validator

from inlink.gemini.settings import GeminiSettings, ModelPrice


class LinkPick(BaseModel):
    """One link the model chose (the response schema Gemini must follow)."""

    destination: str = Field(description="URL of the target page, copied exactly from the candidate list")
    anchor: str = Field(description="Anchor text copied character for character from the source page text")
    reason: str = Field(description="One plain sentence telling an editor why this link helps the reader")
    score: float = Field(description="Confidence that the link is useful, from 0 to 1")

    @field_validator("reason", mode="before")
    @classmethod
    def _no_reason_is_an_empty_one(cls, value: Any) -> Any:
        """A pick whose reason is null: the whole answer was unreadable, asked twice more and billed three times,
        for the one field the engine can do without (the row then says "chosen by Gemini"). Still required in the
        schema Gemini is asked to follow."""
        return "" if value is None else value


class LinkPicks(BaseModel):
    suggestions: list[LinkPick]


@dataclass
class Usage:
    """Tokens and calls spent on one page, all attempts included (failed parses are billed too)."""

    calls: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0      # generated + thinking tokens, both billed at the output rate
    cached_tokens: int = 0      # of the prompt tokens, those Gemini served from its cache (billed at the cached rate)

    def add(self, metadata: Any) -> None:
        self.calls += 1
        if metadata is None:
            return
        self.prompt_tokens += metadata.prompt_token_count or 0
        self.cached_tokens += getattr(metadata, "cached_content_token_count", None) or 0
        self.output_tokens += (metadata.candidates_token_count or 0) + (metadata.thoughts_token_count or 0)

    def cost(self, price: ModelPrice) -> float:
        return price.cost(self.prompt_tokens, self.output_tokens, self.cached_tokens)


#: Characters a Gemini token stands for, about (Google's rule of thumb for its models: "a token is about 4 characters").
CHARS_PER_TOKEN = 4


def reported_usage(response: Any, sent_chars: int) -> Any:
    """The answer's usageMetadata, or, when Gemini reported none (no usageMetadata, or no promptTokenCount: every
    request has a prompt), an estimate from the `sent_chars` characters of the request and those of the answer's
    text (a count it did report kept): such an answer cost nothing in the job's spend, so a budget never stopped a
    run of them."""
    metadata = getattr(response, "usage_metadata", None)
    if metadata is not None and metadata.prompt_token_count:
        return metadata
    if not (getattr(response, "candidates", None) or getattr(response, "prompt_feedback", None)):
        return metadata   # no answer of Gemini's (a bare "[]" or "null" from whatever answered): nothing to cost
    return SimpleNamespace(prompt_token_count=_tokens(sent_chars),
                           candidates_token_count=getattr(metadata, "candidates_token_count", None)
                           or _tokens(len(_text_of(response))),
                           thoughts_token_count=getattr(metadata, "thoughts_token_count", None),
                           cached_content_token_count=None)


def _tokens(chars: int) -> int:
    return -(-chars // CHARS_PER_TOKEN)


def usage_counters(usage: Usage, cost_usd: float) -> dict[str, float]:
    return {"gemini_calls": usage.calls, "prompt_tokens": usage.prompt_tokens,
            "output_tokens": usage.output_tokens, "cost_usd": round(cost_usd, 8)} | (
        {"cached_tokens": usage.cached_tokens} if usage.cached_tokens else {})


class AnswerStore(Protocol):
    """Where the engine keeps the answers it paid for until the caller has committed them (a job keeps them in
    its own folder). Several pages may be answered at once and committed strictly in order; when the job
    pauses or dies in between, the answers of pages not yet committed would otherwise be bought again on
    resume. `get` returns None for an unknown (or unreadable) key; `put` may fail silently: the store only
    saves money, never correctness."""

    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, answer: dict) -> None: ...

    def records(self) -> Iterable[tuple[str, dict]]:
        """(key, record) of every readable kept answer."""
        ...


def answer_key(prompt: str) -> str:
    """The store's key for one question (`prompt`: the page, its text and limit, less its candidates: see
    GeminiEngine.suggest), whichever model answered it: the record names the model, whose answer only that model
    reuses, and whose cost any run counts. Filed under the model too, a job resumed with another model (its own a
    404, or its answers unusable) never found the answers the first one was paid for, nor counted their cost."""
    return hashlib.sha256(f"page\0{prompt}".encode()).hexdigest()


def model_answer_key(model: str, prompt: str) -> str:
    """The key an earlier version filed an answer under (the model and the question): a job paused before an
    upgrade still takes its answers back."""
    return hashlib.sha256(f"{model}\0{prompt}".encode()).hexdigest()


def kept_record(kept: dict | None, model: str, price: ModelPrice) -> tuple[LinkPicks | None, Usage, float] | None:
    """(the picks, or None when they are not to be used, the usage and the cost) of what an earlier run paid for a
    page and kept, or None when nothing readable is kept. The picks are used only when they are this model's (a
    model changed after a 404, or after answers that stayed unusable, asks anew); the cost is always counted, as
    recorded (at the price of the model that answered; a record without it, of an earlier version: at this one's).
    Unusable answers are kept too (their page never committed: the job paused on them, or another page paused it
    meanwhile): without them a job paused for unusable answers recorded 12 Gemini calls where the server had
    answered 24, and its budget was measured from the lower figure."""
    if not isinstance(kept, dict) or not isinstance(kept.get("usage"), dict):
        return None
    try:
        usage = Usage(**kept["usage"])
    except TypeError:
        return None
    cost = kept.get("cost_usd")
    cost = float(cost) if isinstance(cost, (int, float)) and cost >= 0 else usage.cost(price)
    if kept.get("unusable") or kept.get("model", model) != model:
        return None, usage, cost
    try:
        return LinkPicks.model_validate(kept.get("picks")), usage, cost
    except ValidationError:
        return None, usage, cost


def read_picks(response: Any) -> tuple[LinkPicks | None, str]:
    """The parsed answer, or None and a short description of why it could not be read."""
    if isinstance(getattr(response, "parsed", None), LinkPicks):
        return response.parsed, ""
    text = _text_of(response)
    if not text.strip():
        return None, "empty answer"
    try:
        return LinkPicks.model_validate_json(text), ""
    except ValidationError as exc:
        wrapped = _picks_wrapped_in_words(text)
        if wrapped is not None:
            return wrapped, ""
        return None, f"answer not in the expected JSON shape: {exc.errors()[0].get('msg', '')}"[:200]


def _picks_wrapped_in_words(text: str) -> LinkPicks | None:
    """The picks of an answer whose JSON object stands inside other text: a Markdown fence ("```json ... ```"), a
    sentence before it or after it ("I hope this helps."). Gemini does so at times even when asked for JSON, and
    each such answer was asked twice more, billed three times, and its page skipped. The first object that decodes
    is read; it must still be in the schema's shape."""
    start = text.find("{")
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
        return LinkPicks.model_validate(value)
    except ValueError:   # no JSON there (JSONDecodeError), or not in the schema's shape (ValidationError)
        return None


def _text_of(response: Any) -> str:
    try:
        return response.text or ""
    except (ValueError, AttributeError):
        return ""


def _prompt_blocked(response: Any) -> str:
    """Gemini's reason for blocking the prompt itself (e.g. "SAFETY"), or "" when it did not."""
    reason = getattr(getattr(response, "prompt_feedback", None), "block_reason", None)
    return str(getattr(reason, "value", reason) or "")


#: Why Gemini refuses a page for what it holds, by the API's own name (a prompt's blockReason or an answer's
#: finishReason), in words an editor reads: the same page is refused alike every time it is asked.
_REFUSALS_OF_THE_PAGE = {
    "SAFETY": "its safety filters", "PROHIBITED_CONTENT": "prohibited content",
    "BLOCKLIST": "terms on a blocklist", "RECITATION": "it would recite protected text",
    "SPII": "sensitive personal information", "LANGUAGE": "a language it does not support",
    "MODEL_ARMOR": "Model Armor's screening", "JAILBREAK": "a suspected attempt to get round its rules",
}


def refusal_of_the_page(response: Any) -> str:
    """Gemini's refusal of the page for what it holds, in words ("Gemini withheld its answer (SAFETY: its safety
    filters)"), or "" when the answer was not refused so."""
    blocked = _prompt_blocked(response)
    if blocked:
        return f"Gemini blocked the request ({_refusal_words(blocked)})"
    finish = finish_reason(response)
    if finish in _REFUSALS_OF_THE_PAGE:
        return f"Gemini withheld its answer ({_refusal_words(finish)})"
    return ""


def _refusal_words(reason: str) -> str:
    said = _REFUSALS_OF_THE_PAGE.get(reason)
    return f"{reason}: {said}" if said else reason


def stopped_answer(response: Any, limit: int, settings: GeminiSettings) -> str:
    """Why Gemini gave no usable answer when it said why (an answer withheld or cut short), or "". Without it an
    answer cut at the output cap read "Invalid JSON: EOF while parsing a string", naming no setting behind it."""
    finish = finish_reason(response)
    if finish == "MAX_TOKENS":
        return (f"the answer was cut at its output limit of {limit:,} tokens (max_output_tokens is "
                f"{settings.max_output_tokens:,} in the Gemini settings)" + _thinking_share(response))
    if finish and finish not in ("STOP", "FINISH_REASON_UNSPECIFIED"):
        return f"Gemini withheld its answer: {finish}"
    return ""


def finish_reason(response: Any) -> str:
    """The first candidate's finish reason ("STOP", "MAX_TOKENS", "SAFETY"...), or "" when there is none."""
    candidates = getattr(response, "candidates", None) or []
    finish = getattr(candidates[0], "finish_reason", None) if candidates else None
    return str(getattr(finish, "value", finish) or "")


def _thinking_share(response: Any) -> str:
    """How much of a cut answer's output limit the model's thinking took, when it says: Gemini 2.5 and 3 models count
    their thinking against the output limit, so a model that thinks at length gives an empty answer cut there,
    and the remedy is in the thinking as much as in the limit."""
    thoughts = getattr(getattr(response, "usage_metadata", None), "thoughts_token_count", None) or 0
    if not thoughts:
        return ""
    return (f" ({thoughts:,} of them thinking: raise max_output_tokens, or lower thinking_level or thinking_budget "
            "where the model has it)")
