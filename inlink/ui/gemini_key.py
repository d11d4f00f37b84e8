"""The Gemini API key as the dashboard holds it: typed once per browser session, kept in its memory only.

A secret has one owner: the Generate page (starting a Gemini job) and the live panel (resuming one) read and keep
the typed key here, so neither writes it anywhere else. It is never saved to disk; a job resumed from this session
receives it as a secret of that run only (resume_secrets). Without a typed key, GEMINI_API_KEY / GOOGLE_API_KEY.
"""
from __future__ import annotations

import streamlit as st

TYPED_KEY = "typed_gemini_key"   # session memory only
_FIELDS = "typed_gemini_key.fields"   # the widget keys a key was typed in, emptied with it (forget_gemini_key)


def gemini_key() -> str | None:
    """The key typed in this browser session (memory only), else GEMINI_API_KEY / GOOGLE_API_KEY."""
    from inlink.gemini.keys import api_key_from_env   # the key lookup alone: never the google-genai SDK

    return typed_gemini_key() or api_key_from_env()


def typed_gemini_key() -> str | None:
    """The key typed in this browser session, if any (it goes before the environment's: gemini_key)."""
    return st.session_state.get(TYPED_KEY) or None


def remember_gemini_key(widget_key: str) -> None:
    """Keep a typed key for the whole session: widget values vanish when their page is left."""
    typed = str(st.session_state.get(widget_key) or "").strip()
    if typed:
        st.session_state[TYPED_KEY] = typed
        st.session_state[_FIELDS] = {*st.session_state.get(_FIELDS, ()), widget_key}


def forget_gemini_key() -> None:
    """Drop the typed key and empty the fields it was typed in (a job panel's too), so the session goes back to the
    environment's key, or to none: a typed key otherwise stayed in memory for the whole session."""
    for name in (TYPED_KEY, _FIELDS, *st.session_state.get(_FIELDS, ())):
        st.session_state.pop(name, None)


def resume_secrets(engine: str) -> dict | None:
    """The Gemini key a resumed Gemini job needs (typed in this session, else from the environment)."""
    from inlink.tasks import analysis as link_task

    key = gemini_key() if engine == "gemini" else None
    return {link_task.SECRET_KEY: key} if key else None
