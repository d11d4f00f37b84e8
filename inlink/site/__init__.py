"""Site import: crawl exports (CSV/XLSX/gz) into pages and links; knows nothing of jobs or Streamlit."""
