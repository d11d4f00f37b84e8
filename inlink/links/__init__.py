"""The offline link engine: pages in, suggestions out, one page at a time."""
