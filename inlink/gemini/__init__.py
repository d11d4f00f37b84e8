"""The opt-in Gemini engine, through google-genai."""
