"""InLink Prospector: the home page, and the ASGI app that starts the job engine with the server.

`streamlit run streamlit_app.py` finds the `app = st.App(...)` assignment below and serves it with uvicorn:
the module is imported (so __name__ is "streamlit_app") and the App's lifespan starts the JobManager when the
server starts, so jobs interrupted by a restart resume before anyone opens a page. Each browser session then
runs this same file as its script with __name__ == "__main__", which renders the home page. The other pages
live in pages/ and each starts the JobManager again (idempotently) for AppTest and plain script runs.
"""
import streamlit as st

from inlink.ui.manager import lifespan
from inlink.ui.page import report_script_error

if __name__ == "__main__":
    from inlink.ui.home import home_page

    home_page()
else:
    app = st.App("streamlit_app.py", lifespan=lifespan, on_script_error=report_script_error)
