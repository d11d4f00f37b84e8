"""SiteDataError, the importer's one error for a bad input file.

Its own module because every step of the import raises it (reading the file's bytes, parsing the table, the
columns, the URLs, the site's scope, the report), and none of them owns it: held by tables.py, the table parser,
it made every other step import the parser to refuse a file.
"""
from __future__ import annotations


class SiteDataError(ValueError):
    """The one error type for bad input files; the message names file, row and column where they apply."""

    plain_message = True   # worded for the user: a job failing on one shows it as it stands (jobs/runner.py)

    def __init__(self, message: str, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.file, self.row, self.column, self.detail = file, row, column, message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = [part for part in (self.file, self.row and f"row {self.row}",
                                   self.column and f'column "{self.column}"') if part]
        return f"{', '.join(where)}: {self.detail}" if where else self.detail
