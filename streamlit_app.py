"""InLink Prospector's dashboard: the router of its pages, and the ASGI app that starts the job engine.

`streamlit run streamlit_app.py` finds the `app = st.App(...)` assignment below and serves it with uvicorn:
the module is imported (so __name__ is "streamlit_app") and the App's lifespan starts the JobManager when the
server starts, so jobs interrupted by a restart resume before anyone opens a page. Each browser session then
runs this same file as its script with __name__ == "__main__": st.navigation (inlink/ui/navigation.py) picks
the page from the URL (/, /upload, /generate_links, /jobs?job=<id>) and runs it from inlink/ui/views/.
"""
import streamlit as st

from inlink.ui.manager import lifespan
from inlink.ui.page import report_script_error

if __name__ == "__main__":
    from inlink.ui.navigation import run

    run()
else:
    app = st.App("streamlit_app.py", lifespan=lifespan, on_script_error=report_script_error)
