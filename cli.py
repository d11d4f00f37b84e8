#!/usr/bin/env python3
"""`python3 cli.py ...`: the same command line as `inlink ...` (the code lives in inlink.cli)."""
import sys

from inlink.cli import cli, main  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
