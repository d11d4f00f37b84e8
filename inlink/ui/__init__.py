"""Shared pieces of the Streamlit dashboard: the JobManager singleton, panels, formatting, exports."""
