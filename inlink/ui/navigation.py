"""The dashboard's pages and the router around them (Streamlit's st.navigation / st.Page).

streamlit_app.py runs `run()` on every rerun of every session: it configures the page, declares the pages,
draws the sidebar footer and runs the page the URL asks for. Each page is a file in inlink/ui/views/ (files,
not callables, so AppTest can open them with `switch_page`; not in a folder named pages/, which AppTest and
Streamlit would treat as the old multipage layout). Links between pages use the paths below, relative to
streamlit_app.py.
"""
from __future__ import annotations

import streamlit as st

APP_NAME = "InLink Prospector"
HOME = "inlink/ui/views/home.py"
UPLOAD = "inlink/ui/views/upload.py"
GENERATE = "inlink/ui/views/generate.py"
JOBS = "inlink/ui/views/jobs.py"

#: (file, title, icon, URL path); the home page is served at "/", the others at "/<URL path>"
PAGES = (
    (HOME, "Home", ":material/home:", "home"),
    (UPLOAD, "Upload", ":material/upload_file:", "upload"),
    (GENERATE, "Generate links", ":material/link:", "generate_links"),
    (JOBS, "Jobs", ":material/work_history:", "jobs"),
)


def declared_pages() -> list:
    """The st.Page objects, built on every run as st.navigation expects."""
    return [st.Page(path, title=title, icon=icon, url_path=url_path, default=path == HOME)
            for path, title, icon, url_path in PAGES]


def run() -> None:
    """The router: page config, navigation, the sidebar footer, then the selected page."""
    page = st.navigation(declared_pages(), position="sidebar")
    st.set_page_config(page_title=f"{page.title} · {APP_NAME}", page_icon=page.icon, layout="wide")
    with st.sidebar:
        st.caption("Internal-link suggestions from a site crawl. Analyses run on the server: "
                   "you can close this tab at any time.")
    page.run()
