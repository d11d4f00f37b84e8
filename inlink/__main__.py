"""`python3 -m inlink ...`: the command line (inlink.cli), as `inlink ...` or `python3 cli.py ...` in a clone."""
import sys

from inlink.cli import main

if __name__ == "__main__":
    sys.exit(main())
