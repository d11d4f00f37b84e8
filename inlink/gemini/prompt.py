"""What the Gemini engine tells the model, and how a checked pick becomes a result row.

Kept apart from the transport code so the wording can be read (and changed) in one place. The page text is
trimmed to a token budget (about 4 characters a token) because cost grows with the prompt, and the candidates
already point at the passages that matter.
"""
from __future__ import annotations

import json
from typing import Any

CHARS_PER_TOKEN = 4
OPENING_WORDS = 30        # of a target page, shown when the index has no title for it

SYSTEM_INSTRUCTION = (
    "You are an editor choosing internal links for one page of a website. You receive the page and a numbered "
    "list of candidate target pages found by a text-similarity engine. Choose the links a reader of the page "
    "would find genuinely useful. Rules: the anchor must be copied character for character from the page text "
    "(same words, spelling and case; do not paraphrase); the destination must be a URL from the candidate list, "
    "copied exactly; never link the page to itself; use each destination and each anchor at most once. "
    "Place anchors only in running prose (sentences of paragraphs, list items, definitions), never in headings "
    "or code. Prefer the candidate's suggested anchor; choose another only if it is a whole name of the target "
    "(its title, or a name the target defines), never a code identifier, path or option the target does not "
    "name. Each candidate comes with the engine's confidence and tier and the evidence behind them: prefer "
    "high-tier candidates and leave out those whose evidence is weak. The reason is one short plain sentence "
    "for a human editor saying what the target covers and why it helps here. The score is your confidence "
    "from 0 to 1. Return an empty list when nothing fits."
)


def max_per_page(index: Any) -> int:
    """The per-page cap of the analysis the index was built for."""
    return int(index.config.max_per_page)


def build_prompt(index: Any, source_url: str, candidates: list, max_links: int, token_budget: int) -> str:
    """The user message: the source page (trimmed), the numbered candidates, and the task."""
    page = page_fields(index, source_url)
    text = trim_to_tokens(page["content"], token_budget)
    lines = [
        "SOURCE PAGE",
        f"URL: {source_url}",
        f"Title: {page['title']}",
        f"H1: {page['h1']}",
        "Text:",
        '"""',
        text,
        '"""',
        "",
        "CANDIDATE TARGET PAGES",
    ]
    for number, candidate in enumerate(candidates, start=1):
        lines += _candidate_lines(index, number, candidate)
    lines += ["", "TASK",
              f"Choose at most {max_links} links for this page. Answer in JSON: "
              '{"suggestions": [{"destination": URL, "anchor": text from the page, "reason": sentence, '
              '"score": 0..1}]}.']
    return "\n".join(lines)


def _candidate_lines(index: Any, number: int, candidate: Any) -> list[str]:
    target = page_fields(index, candidate.destination)
    lines = [f"{number}. URL: {candidate.destination}"]
    if target["title"] or target["h1"]:
        lines.append(f"   Title: {target['title'] or target['h1']}")
    else:   # the index holds no title: the page's opening words usually say what it is about
        lines.append(f"   Page starts: {opening_words(target['content'])}")
    if candidate.anchor:
        lines += [f"   Suggested anchor: {json.dumps(candidate.anchor, ensure_ascii=False)}",
                  f"   In context: {json.dumps(candidate.context, ensure_ascii=False)}"]
    else:
        lines.append("   Suggested anchor: none found; use a phrase of the page text only if one names this page")
    lines.append(f"   Engine confidence: {candidate.confidence:.2f} ({candidate.tier} tier)")
    lines.append(f"   Evidence: {candidate.reason}")
    return lines


def opening_words(text: str, count: int = OPENING_WORDS) -> str:
    """The first `count` words of a text, with an ellipsis when there is more."""
    words = (text or "").split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def trim_to_tokens(text: str, token_budget: int) -> str:
    """The text cut to about `token_budget` tokens, on a word boundary, marked with an ellipsis when cut."""
    text = text or ""
    limit = token_budget * CHARS_PER_TOKEN
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


def result_row(index: Any, source: str, pick: Any, candidate: Any, engine: str, confidence: float,
               tier: str, span: tuple[int, int]) -> dict:
    """One result row with the offline engine's columns; Context is the prose sentence around the anchor, which
    stands at `span` of the source text (a well-placed occurrence that overlaps no other anchor of the page).

    Confidence and Tier are the engine's, for the evidence behind the target (Gemini's own view is Score).
    When the model kept the offline engine's anchor where it stands, the engine's context is reused.
    """
    same_place = candidate is not None and candidate.anchor == pick.anchor and candidate.span == span
    return {
        "Source": source,
        "Destination": pick.destination,
        "Anchor": pick.anchor,
        "Context": candidate.context if same_place else anchor_context(index, source, span),
        "Score": round(min(1.0, max(0.0, float(pick.score))), 3),
        "Confidence": confidence,
        "Tier": tier,
        "Reason": " ".join(pick.reason.split()) or "chosen by Gemini",
        "Engine": engine,
    }


def anchor_context(index: Any, source: str, span: tuple[int, int]) -> str:
    """The prose sentence around the anchor standing at `span` of the source's text, read with the index the page is
    analysed with (page_index: its language's, on a site in several, which alone holds its blocks)."""
    from inlink.links import suggest

    index = suggest.page_index(index, source)
    return suggest.anchor_context(index, index.url_pos[source], span)


def page_fields(index: Any, url: str) -> dict[str, str]:
    """Cleaned title, H1 and text of one page of the index (empty strings for an unknown URL)."""
    position = index.url_pos.get(url)
    if position is None:
        return {"title": "", "h1": "", "content": ""}
    return {"title": index.titles[position] or "", "h1": index.h1s[position] or "",
            "content": index.texts[position] or ""}
