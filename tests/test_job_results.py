"""The results file and checkpoint log on their own: torn lines, recovery cuts, bounded readers."""
from __future__ import annotations

import csv
import io
import os

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inlink.jobs import results as jobresults
from inlink.exports import csv_rows, neutralise_cell, safe_csv_bytes
from inlink.jobs.results import (Checkpoint, ResultsWriter, checkpoints_reversed, iter_result_rows, parse_checkpoint,
                                 read_results, recover_files, results_csv_bytes)
from inlink.jobs.state import DamagedResults, StorageError

COLUMNS = ("a", "b")


@pytest.fixture
def files(tmp_path):
    return tmp_path / "r.csv", tmp_path / "c.log"


def write_items(files, items, durability="crash"):
    results, log = files
    last = recover_files(results, log, COLUMNS)
    writer = ResultsWriter(results, log, COLUMNS, last, durability)
    for index, rows in items:
        writer.commit(index, f"k{index}", rows, {"tokens": len(rows)})
    writer.close()
    return writer


def test_a_job_without_a_checkpoint_is_recovered_without_emptying_its_results_file(files, monkeypatch):
    """Recovering a job with no checkpoint wrote its results file anew (emptied, then the header): an export read
    in between had no header line. A file that opens with the header is cut back to it instead."""
    results, log = files
    header = jobresults.header_bytes(COLUMNS)
    results.write_bytes(header + b"x,1\n")              # a row whose checkpoint never landed
    monkeypatch.setattr(jobresults, "_rewrite", lambda *_: pytest.fail("the results file was emptied"))
    assert recover_files(results, log, COLUMNS) is None
    assert results.read_bytes() == header
    monkeypatch.undo()
    results.write_bytes(b"damaged")                      # a file that does not open with the header is written anew
    assert recover_files(results, log, COLUMNS) is None and results.read_bytes() == header


def rows_of(n):
    return [{"a": f"x{n}-{j}", "b": j} for j in range(n % 3)]


def test_checkpoint_line_roundtrip_and_damage():
    record = Checkpoint(3, "k,é\n", 2, 9, 120, {"t": 1}, {"t": 5}, "bad item")
    line = record.encode()
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert parse_checkpoint(line[:-1]) == record
    assert parse_checkpoint(line[:-6]) is None                      # torn
    assert parse_checkpoint(line[:-2].replace(b"9", b"8", 1) + b"]") is None   # flipped bit


def test_reverse_reading_matches_forward_reading_with_tiny_blocks(files, monkeypatch):
    monkeypatch.setattr(jobresults, "_BLOCK", 7)
    write_items(files, [(i, rows_of(i)) for i in range(40)])
    with open(files[1], "ab") as f:
        f.write(b"0000 torn")                                      # a crash mid-line
    backwards = [rec.index for _, _, rec in checkpoints_reversed(files[1])]
    assert backwards == list(range(39, -1, -1))


def test_recovery_cuts_rows_without_checkpoint_and_torn_log_line(files):
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(10)])
    committed = results.stat().st_size
    with open(results, "ab") as f:
        f.write(b"x10-0,0\nx10-1,")                                 # rows of an uncommitted item
    with open(log, "ab") as f:
        f.write(b"deadbeef [10,")
    frame = read_results(results, log, COLUMNS)                     # readers ignore both already
    assert frame.a.tolist() == [r["a"] for i in range(10) for r in rows_of(i)]
    last = recover_files(results, log, COLUMNS)
    assert last.index == 9 and results.stat().st_size == committed == last.offset
    assert log.read_bytes().endswith(b"\n")
    write_items(files, [(10, rows_of(10))])
    assert read_results(results, log, COLUMNS).a.tolist()[-1] == "x10-0"


def test_recovery_rolls_back_checkpoints_the_results_file_lost(files):
    """Power loss in crash mode: the log may claim bytes the results file never got."""
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(10)])
    keep = next(rec for _, _, rec in checkpoints_reversed(log) if rec.index == 4)
    with open(results, "r+b") as f:
        f.truncate(keep.offset + 3)
    last = recover_files(results, log, COLUMNS)
    assert last.index == 4 and results.stat().st_size == keep.offset
    assert [rec.index for _, _, rec in checkpoints_reversed(log)][0] == 4


def test_readers_stop_at_the_last_item_the_results_file_holds_in_full(files):
    """Before recovery (or during a redo) the log may claim bytes the results file lacks."""
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(10)])
    keep = next(rec for _, _, rec in checkpoints_reversed(log) if rec.index == 4)
    with open(results, "r+b") as f:
        f.truncate(keep.offset + 3)                                 # ends mid-row
    kept = [r["a"] for i in range(5) for r in rows_of(i)]
    assert read_results(results, log, COLUMNS).a.tolist() == kept
    assert read_results(results, log, COLUMNS, limit=2, tail=True).a.tolist() == kept[-2:]
    text = results_csv_bytes(results, log).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:] == kept


def test_rows_read_without_pandas_are_the_committed_rows_as_strings(files):
    """iter_result_rows (TaskContext.result_rows: a resume replays them before pandas is needed) gives the
    committed rows only, each cell as the string written, quoted cells with line breaks included."""
    results, log = files
    assert list(iter_result_rows(results, log)) == []
    items = [(i, rows_of(i)) for i in range(6)] + [(6, [{"a": 'say "hi",\nthen go', "b": ""}])]
    write_items(files, items)
    with open(results, "ab") as f:
        f.write(b"x7-0,0\n")                                       # rows of an uncommitted item
    expected = [{"a": row["a"], "b": str(row["b"])} for _, rows in items for row in rows]
    assert list(iter_result_rows(results, log)) == expected
    assert read_results(results, log, COLUMNS).astype(str).to_dict("records") == expected


def test_power_mode_redoes_result_rows_the_page_cache_lost(files):
    """Power loss in power mode: only the log was synced, and it carries the rows to redo."""
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(10)], durability="power")
    clean = results.read_bytes()
    keep = next(rec for _, _, rec in checkpoints_reversed(log) if rec.index == 4)
    with open(results, "r+b") as f:
        f.truncate(keep.offset + 3)
    last = recover_files(results, log, COLUMNS)
    assert last.index == 9 and results.read_bytes() == clean
    results.write_bytes(b"")                                        # even the header is gone
    assert recover_files(results, log, COLUMNS).index == 9 and results.read_bytes() == clean


def test_counters_and_rows_are_running_totals(files):
    writer = write_items(files, [(i, rows_of(i)) for i in range(9)])
    assert writer.rows_total == sum(len(rows_of(i)) for i in range(9))
    assert writer.counters_total == {"tokens": writer.rows_total}
    again = write_items(files, [(9, rows_of(9))])                   # a resumed writer goes on
    assert again.next_index == 10 and again.rows_total == writer.rows_total


def test_power_mode_writes_the_same_files(files, tmp_path):
    write_items(files, [(i, rows_of(i)) for i in range(5)], durability="power")
    other = (tmp_path / "r2.csv", tmp_path / "c2.log")
    write_items(other, [(i, rows_of(i)) for i in range(5)])
    assert files[0].read_bytes() == other[0].read_bytes()


def test_unknown_columns_are_refused(files):
    results, log = files
    writer = ResultsWriter(results, log, COLUMNS, recover_files(results, log, COLUMNS))
    with pytest.raises(ValueError, match=r"\['zzz'\]"):
        writer.commit(0, "k0", [{"a": 1, "zzz": 2}])
    writer.close()


def test_a_writer_that_cannot_open_its_log_closes_the_results_file(files, tmp_path):
    opened = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        with pytest.raises(StorageError, match="could not open"):
            ResultsWriter(files[0], tmp_path / "missing" / "c.log", COLUMNS, None)
    assert len(os.listdir("/proc/self/fd")) == opened


@pytest.mark.parametrize("cell, safe", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-x", "'-x"),
                                        ("@a", "'@a"), ("\tx", "'\tx"), ("\rx", "'\rx"),
                                        ("plain", "plain"), ("a=b", "a=b"), ("", "")])
def test_neutralise_cell(cell, safe):
    assert neutralise_cell(cell) == safe


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_text, _text), max_size=8))
def test_any_text_survives_the_csv_round_trip(tmp_path_factory, cells):
    folder = tmp_path_factory.mktemp("rt")
    results, log = folder / "r.csv", folder / "c.log"
    writer = ResultsWriter(results, log, COLUMNS, recover_files(results, log, COLUMNS))
    writer.commit(0, "k", [{"a": a, "b": b} for a, b in cells])
    writer.close()
    text = results_csv_bytes(results, log).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == list(COLUMNS)
    assert parsed[1:] == [[neutralise_cell(a), neutralise_cell(b)] for a, b in cells]


def test_a_kept_read_takes_only_the_rows_committed_since(files, monkeypatch):
    """While a job runs, its page read all its rows again at each click: the rows committed since the last read are
    read alone and added to it, and the frame is the one a whole read gives."""
    results, log = files
    frames, parsed = jobresults.ResultFrames(), []
    parse = jobresults._parse
    monkeypatch.setattr(jobresults, "_parse", lambda *args, **kwargs: parsed.append(len(frame := parse(*args, **kwargs)))
                        or frame)
    write_items(files, [(i, rows_of(i)) for i in range(10)])
    first = frames.read(results, log, COLUMNS, numeric=("b",))
    write_items(files, [(i, rows_of(i)) for i in range(10, 14)])
    grown = frames.read(results, log, COLUMNS, numeric=("b",))
    assert parsed == [9, 4] and len(first) == 9
    assert grown.equals(read_results(results, log, COLUMNS, numeric=("b",))) and len(grown) == 13
    assert frames.read(results, log, COLUMNS, numeric=("b",)).equals(grown) and len(parsed) == 3   # (the whole read)


def test_a_kept_read_grown_by_rows_that_change_a_columns_type_is_the_whole_read(files):
    """A numeric column read as numbers so far and then given an empty cell is text in a whole read ("200" and ""):
    the kept read grown by those rows held 200 and "" (an int beside a string), another frame than a fresh read."""
    import pandas as pd

    results, log = files
    frames = jobresults.ResultFrames()
    write_items(files, [(0, [{"a": "x", "b": 200}])])
    assert frames.read(results, log, COLUMNS, numeric=("b",))["b"].tolist() == [200]
    write_items(files, [(1, [{"a": "y", "b": None}])])
    pd.testing.assert_frame_equal(frames.read(results, log, COLUMNS, numeric=("b",)),
                                  read_results(results, log, COLUMNS, numeric=("b",)), check_exact=True)


def test_csv_bytes_are_read_as_the_text_they_hold():
    """An export is read from its bytes as they are decoded, never whole into a StringIO (a 250,000-row job's
    export took 1.35 GB to prepare): the same rows as from the text, a BOM read as such, a bad byte replaced."""
    text = 'a,b\r\n"two\r\nlines",\u2028x\r\n\'=1,é\r\n'
    assert list(csv_rows(text.encode())) == list(csv_rows(text)) == [["a", "b"], ["two\r\nlines", "\u2028x"],
                                                                      ["'=1", "é"]]
    assert list(csv_rows(b"\xef\xbb\xbfa\r\n\xffb\r\n", encoding="utf-8-sig")) == [["a"], ["\ufffdb"]]
    assert safe_csv_bytes(["a"], csv_rows(b"x\r\n=y\r\n")) == b"\xef\xbb\xbfa\r\nx\r\n'=y\r\n"


def test_a_cell_over_the_csv_modules_field_limit_is_exported_and_read_back(files):
    """A fetch job's result rows hold whole pages of HTML; the csv module refuses fields over 128 KiB unless told:
    the export and a resume's replay of the rows must read them whole."""
    csv.field_size_limit(131072)          # the default, whatever an earlier test in this process set
    page = "<p>" + "x" * 200_000 + "</p>"
    write_items(files, [(0, [{"a": page, "b": 1}]), (1, [{"a": "small", "b": 2}])])
    results, log = files
    assert [row["a"] for row in list(iter_result_rows(results, log))] == [page, "small"]
    text = results_csv_bytes(results, log).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:] == [page, "small"]


def _damage(results, how: str) -> None:
    """A results file edited by hand, as a user with a text editor or a spreadsheet leaves it."""
    data = results.read_bytes()
    third = data.index(b"\n", data.index(b"\n", data.index(b"\n") + 1) + 1) + 1   # the start of line 4
    fourth_end = data.index(b"\n", third) + 1
    data = {"header": data.replace(b"a,b", b"a,B", 1),
            "short row": data[:third] + data[third:fourth_end].split(b",")[0] + b"\n" + data[fourth_end:],
            "stray quote": data[:third] + b'"' + data[third:],
            "blank line": data[:third] + b"\n" + data[third:],
            "cut in half": data[: len(data) // 2]}[how]
    results.write_bytes(data)


@pytest.mark.parametrize("how, where", [("header", "line 1: the header reads 'a,B'"),
                                        ("short row", "line 4: the row has 1 cells where the header has 2"),
                                        ("stray quote", "line 4: the row has"),
                                        ("blank line", "line 4: the row has 0 cells"),
                                        ("cut in half", "bytes where the job committed")])
def test_a_results_file_edited_by_hand_is_refused_with_its_file_and_line(files, how, where):
    """A results file edited by hand was read as it stood: an export of fewer rows, or of cells under the wrong
    headers, said as a success. Every reader of all the rows says what is wrong, and where."""
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(10)])
    _damage(results, how)
    readers = [lambda: results_csv_bytes(results, log, columns=COLUMNS, whole=True)]
    if how != "cut in half":   # (a reader of a running job reads the items a cut file holds: see above)
        readers += [lambda: read_results(results, log, COLUMNS, numeric=("b",)),
                    lambda: jobresults.ResultFrames().read(results, log, COLUMNS, numeric=("b",))]
    for read in readers:
        with pytest.raises(DamagedResults) as refused:
            read()
        assert f"{results}, line" in str(refused.value) or how == "cut in half"
        assert where in str(refused.value) and "delete the job and run it again" in str(refused.value)


def test_rows_added_since_a_kept_read_are_checked_at_their_own_lines(files):
    """The rows a kept read adds (a running job's page) are checked too, and a fault is said at its line in the
    file, not in the rows read since."""
    results, log = files
    frames = jobresults.ResultFrames()
    write_items(files, [(i, rows_of(i)) for i in range(4)])
    assert len(frames.read(results, log, COLUMNS, numeric=("b",))) == 3        # lines 2 to 4
    write_items(files, [(i, rows_of(i)) for i in range(4, 8)])
    lines = results.read_bytes().split(b"\n")
    lines[6] = lines[6].replace(b",", b"")                      # line 7: a row added since the kept read
    results.write_bytes(b"\n".join(lines))
    with pytest.raises(DamagedResults, match=r"line 7: the row has 1 cells"):
        frames.read(results, log, COLUMNS, numeric=("b",))


@pytest.mark.parametrize("how, where", [("short row", "the row has 1 cells where the header has 2"),
                                        ("blank line", "the row has 0 cells"),
                                        ("stray quote", "the row has")])
def test_the_latest_rows_of_a_file_edited_by_hand_are_refused_at_their_line(files, how, where):
    """The dashboard's latest rows (a tail read through the checkpoint log) were read as they stood: a row cut
    short came back with an empty last cell, a blank line as a row of empty cells, without a word. They are checked
    as the whole reads are, at the cost of the few rows read."""
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(30)])
    data = results.read_bytes()
    lines = data.split(b"\n")
    line = len(lines) - 3                                      # a line among the last rows (1 is the header)
    start = sum(len(text) + 1 for text in lines[:line - 1])
    end = start + len(lines[line - 1]) + 1
    damaged_row = {"short row": lines[line - 1].split(b",")[0] + b"\n", "blank line": b"\n" + data[start:end],
                   "stray quote": b'"' + data[start:end]}[how]
    results.write_bytes(data[:start] + damaged_row + data[end:])
    with pytest.raises(DamagedResults) as refused:
        read_results(results, log, COLUMNS, limit=3, tail=True, numeric=("b",))
    assert f"{results}, line {line:,}: {where}" in str(refused.value)


def test_the_latest_rows_are_read_when_an_earlier_row_is_damaged_and_match_a_whole_read(files):
    """Only the rows read are checked: the tail of a file damaged near its head (in place: no byte moves) reads as
    before; a damage that moves the rows after it (a row cut short) is found by the tail read too, since the
    checkpoints no longer fall between rows."""
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(30)])
    whole = read_results(results, log, COLUMNS, numeric=("b",))
    tail = read_results(results, log, COLUMNS, limit=3, tail=True, numeric=("b",))
    assert tail.values.tolist() == whole.tail(3).values.tolist()
    data = results.read_bytes()
    second = data.index(b"\n") + 1
    results.write_bytes(data[:second] + data[second:].replace(b",", b";", 1))   # line 2: one cell, same length
    assert read_results(results, log, COLUMNS, limit=3, tail=True, numeric=("b",)).values.tolist() == \
        tail.values.tolist()
    with pytest.raises(DamagedResults, match="line 2: the row has 1 cells"):
        read_results(results, log, COLUMNS, numeric=("b",))
    _damage(results, "short row")
    with pytest.raises(DamagedResults):
        read_results(results, log, COLUMNS, limit=3, tail=True, numeric=("b",))


def test_a_whole_results_file_is_found_whole_without_reading_each_row_in_python(files, monkeypatch):
    """The check of a whole read read every row with the csv module: 0.44 s of a 250,000-row file's 0.74 s read.
    pyarrow's reader counts the rows and fails a row of another width first (0.06 s); the csv module reads them
    only on a doubt, to say where the fault is (the damaged-file tests above)."""
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(40)])
    expected = read_results(results, log, COLUMNS, numeric=("b",))
    monkeypatch.setattr(jobresults, "checked_rows", lambda *args, **kwargs: pytest.fail("each row read in Python"))
    frames = jobresults.ResultFrames()
    pd.testing.assert_frame_equal(read_results(results, log, COLUMNS, numeric=("b",)), expected)
    pd.testing.assert_frame_equal(frames.read(results, log, COLUMNS, numeric=("b",)), expected)
    write_items(files, [(40, rows_of(41)), (41, rows_of(42))])   # the rows added since: checked the same way
    assert len(frames.read(results, log, COLUMNS, numeric=("b",))) == len(expected) + len(rows_of(41)) + len(rows_of(42))
    assert len(read_results(results, log, COLUMNS, limit=3, tail=True, numeric=("b",))) == 3


def test_a_row_longer_than_a_block_is_a_doubt_the_csv_module_reads(files):
    results, log = files
    write_items(files, [(i, rows_of(i)) for i in range(10)] + [(10, [{"a": "x" * (1 << 21), "b": 1}])])
    data = results.read_bytes()
    assert jobresults.looks_whole(io.BytesIO(data), COLUMNS, data.count(b"\n") - 1, True) is False
    assert read_results(results, log, COLUMNS, numeric=("b",))["a"].iloc[-1] == "x" * (1 << 21)
    assert jobresults.looks_whole(io.BytesIO(data.replace(b"x" * (1 << 21), b"y")), COLUMNS,
                                  data.count(b"\n") - 1, True) is True


def test_rows_a_task_replays_are_read_one_at_a_time(files):
    """A fetch job's rows hold whole pages; a resumed run that wanted their addresses alone read them all into one
    list first, every page's text at once. TaskContext.result_rows reads them as they are taken."""
    import tracemalloc

    page = "<p>" + "x" * 500_000 + "</p>"
    write_items(files, [(i, [{"a": page, "b": i}]) for i in range(40)])     # 20 MB of rows
    results, log = files
    tracemalloc.start()
    try:
        numbers = [row["b"] for row in iter_result_rows(results, log)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert numbers == [str(i) for i in range(40)]
    assert peak < 5_000_000, f"{peak:,} bytes held to read 40 rows of 0.5 MB"   # a row or two, not all 40
