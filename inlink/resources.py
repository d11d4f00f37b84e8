"""Files the product ships besides its code, found the same way from a clone and from an installed wheel.

In a clone they sit at the repository root (the one copy in git): sample_data/, .streamlit/config.toml and
streamlit_app.py. `pip install .` puts streamlit_app.py next to the inlink package and the two data folders under
<prefix>/share/inlink/ ([tool.setuptools.data-files] in pyproject.toml; prefix = the venv, or the user base for a
--user install).
"""
from __future__ import annotations

import site
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent          # the clone's root, or site-packages once installed


def _installed(*parts: str) -> list[Path]:
    prefixes = dict.fromkeys([sys.prefix, site.getuserbase()])
    return [Path(prefix, "share", "inlink", *parts) for prefix in prefixes]


def _first_file(*candidates: Path) -> Path:
    """The first candidate that is a file (else the first one, so an error message names the clone's path)."""
    return next((path for path in candidates if path.is_file()), candidates[0])


def sample_dir() -> Path:
    """The folder holding the sample site's pages.csv and inlinks.csv."""
    return _first_file(ROOT / "sample_data" / "pages.csv", *_installed("sample_data", "pages.csv")).parent


def streamlit_config() -> Path:
    """The dashboard server's settings (localhost only, upload size, theme)."""
    return _first_file(ROOT / ".streamlit" / "config.toml", *_installed("streamlit", "config.toml"))


def app_script() -> Path:
    """The Streamlit entry script that `streamlit run` serves."""
    return ROOT / "streamlit_app.py"
