"""Files the product ships besides its code, found the same way from a clone and from an installed wheel.

In a clone they sit at the repository root (the one copy in git): sample_data/, .streamlit/config.toml and
streamlit_app.py. `pip install .` puts streamlit_app.py next to the inlink package and the two folders inside it
(inlink/sample_data/, inlink/streamlit_config/; see [tool.setuptools.package-dir] in pyproject.toml).
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent          # the clone's root, or site-packages once installed


def _first_file(*candidates: Path) -> Path:
    """The first candidate that is a file (else the last one, so an error message names a sensible path)."""
    return next((path for path in candidates if path.is_file()), candidates[-1])


def sample_dir() -> Path:
    """The folder holding the sample site's pages.csv and inlinks.csv."""
    return _first_file(ROOT / "sample_data" / "pages.csv", PACKAGE / "sample_data" / "pages.csv").parent


def streamlit_config() -> Path:
    """The dashboard server's settings (localhost only, upload size, theme)."""
    return _first_file(ROOT / ".streamlit" / "config.toml", PACKAGE / "streamlit_config" / "config.toml")


def app_script() -> Path:
    """The Streamlit entry script that `streamlit run` serves."""
    return ROOT / "streamlit_app.py"
