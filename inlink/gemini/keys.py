"""Where the Gemini API key comes from when the user did not type one: the environment.

Kept apart from the engine so that asking "is a key set?" (the dashboard, the CLI) never imports the google-genai
SDK. The key itself is only ever handed to the engine in memory; nothing here writes or logs it.
"""
from __future__ import annotations

import os

KEY_ENV_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")


def api_key_from_env() -> str | None:
    """GEMINI_API_KEY, then GOOGLE_API_KEY (the SDK's two names); None when neither holds a key (blank is none)."""
    for name in KEY_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None
