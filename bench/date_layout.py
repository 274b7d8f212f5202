#!/usr/bin/python3
"""How storage format 5 should store dates and timestamps (issue 13): as fixed-width text
('YYYY-MM-DD', 'YYYY-MM-DDTHH:MM:SSZ', as format 4 does) or as integers (days and seconds since
1970-01-01). Both layouts hold the same ROWS rows of a status-history-like table — record id,
effective date, status, change time — indexed as clmis indexes it, in the same SQLite library
clmis uses, with the same settings (WAL, synchronous=FULL, 4 KiB pages).

    usage: /usr/bin/python3 bench/date_layout.py [ROWS] [RUNS] [WORK_DIR]
           (defaults: 1000000 rows, 3 runs, /tmp)

Measured for each layout, the median of RUNS runs interleaved (text, integer, text, ...):
  load      inserting the rows in one transaction (dates in random order, as imports bring them)
  size      the file after a checkpoint, and its date index alone (dbstat)
  range     100 counts of the rows in a 31-day window (an index range scan)
  stock     the status counts on 12 month ends — each record's last row on or before the day
            (clmis's status_counts query)
  month     rows per calendar month (GROUP BY the month, as indicators group)
and checks that both layouts give the same answers.
"""
from __future__ import annotations

import datetime
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

EPOCH = datetime.date(1970, 1, 1)


def rows_of(n: int) -> List[Tuple[int, int, str, int]]:
    """(record id, effective day number, status, change time in seconds): 1 to 3 rows a record."""
    rng = random.Random(13)
    start = (datetime.date(2020, 1, 1) - EPOCH).days
    out: List[Tuple[int, int, str, int]] = []
    rec = 0
    while len(out) < n:
        rec += 1
        day = start + rng.randrange(0, 6 * 365)
        for status in ("registered", "active", "closed")[: rng.randrange(1, 4)]:
            if len(out) == n:
                break
            out.append((rec, day, status, day * 86400 + rng.randrange(0, 86400)))
            day += rng.randrange(1, 400)
    rng.shuffle(out)
    return out


def text_day(d: int) -> str:
    return (EPOCH + datetime.timedelta(days=d)).isoformat()


def text_time(s: int) -> str:
    return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


LAYOUTS: Dict[str, Dict[str, str]] = {
    "text": {
        "ddl": "CREATE TABLE h (record_id INTEGER NOT NULL, effective_date TEXT NOT NULL, "
               "status TEXT NOT NULL, at TEXT NOT NULL) STRICT",
        "month": "substr(effective_date, 1, 7)",
    },
    "integer": {
        "ddl": "CREATE TABLE h (record_id INTEGER NOT NULL, effective_date INTEGER NOT NULL, "
               "status TEXT NOT NULL, at INTEGER NOT NULL) STRICT",
        "month": "strftime('%Y-%m', effective_date * 86400, 'unixepoch')",
    },
}
INDEXES = ["CREATE INDEX h_record ON h(record_id, effective_date)",
           "CREATE INDEX h_date ON h(effective_date)"]


def connect(path: Path) -> sqlite3.Connection:
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = FULL")
    return c


def load(path: Path, layout: str, data: Sequence[Tuple[object, object, str, object]]) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    c = connect(path)
    c.execute(LAYOUTS[layout]["ddl"])
    for ddl in INDEXES:
        c.execute(ddl)
    start = time.perf_counter()
    c.execute("BEGIN IMMEDIATE")
    c.executemany("INSERT INTO h VALUES (?, ?, ?, ?)", data)
    c.execute("COMMIT")
    elapsed = time.perf_counter() - start
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    return elapsed


def timed(f: Callable[[], object]) -> Tuple[float, object]:
    start = time.perf_counter()
    out = f()
    return time.perf_counter() - start, out


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work = Path(tempfile.mkdtemp(prefix="clmis-date-layout.", dir=sys.argv[3] if len(sys.argv) > 3 else None))
    try:
        raw = rows_of(n)
        data = {"integer": raw, "text": [(r, text_day(d), s, text_time(t)) for r, d, s, t in raw]}
        first_day = (datetime.date(2021, 1, 1) - EPOCH).days
        windows = [(first_day + 17 * i, first_day + 17 * i + 30) for i in range(100)]
        month_ends = [(datetime.date(2024 + m // 12, m % 12 + 1, 1) - datetime.timedelta(days=1))
                      for m in range(1, 13)]
        times: Dict[str, Dict[str, List[float]]] = {k: {} for k in LAYOUTS}
        answers: Dict[str, Dict[str, object]] = {k: {} for k in LAYOUTS}
        sizes: Dict[str, Tuple[int, int]] = {}
        for _ in range(runs):
            for layout in LAYOUTS:
                path = work / f"{layout}.db"
                t = times[layout]
                t.setdefault("load", []).append(load(path, layout, data[layout]))
                c = connect(path)
                index_bytes = c.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'h_date'").fetchone()[0]
                sizes[layout] = (os.path.getsize(path), index_bytes)
                key = (lambda d: d) if layout == "integer" else text_day

                def ranges() -> object:
                    return [c.execute("SELECT count(*) FROM h WHERE effective_date BETWEEN ? AND ?",
                                      (key(a), key(b))).fetchone()[0] for a, b in windows]

                def stock() -> object:
                    out = []
                    for day in month_ends:
                        d = (day - EPOCH).days
                        out.append(sorted(c.execute(
                            "SELECT status, count(*) FROM (SELECT record_id, status, row_number() OVER ("
                            "PARTITION BY record_id ORDER BY effective_date DESC, rowid DESC) AS rn "
                            "FROM h WHERE effective_date <= ?) WHERE rn = 1 GROUP BY status", (key(d),)).fetchall()))
                    return out

                def month() -> object:
                    return c.execute(f"SELECT {LAYOUTS[layout]['month']} AS m, count(*) FROM h "
                                     "GROUP BY m ORDER BY m").fetchall()

                for name, f in (("range", ranges), ("stock", stock), ("month", month)):
                    elapsed, answer = timed(f)
                    t.setdefault(name, []).append(elapsed)
                    answers[layout][name] = answer
                c.close()
        for name in ("range", "stock", "month"):
            if answers["text"][name] != answers["integer"][name]:
                print(f"the layouts disagree on {name}")
                return 1
        print(f"date layout: {n} history rows, median of {runs} interleaved runs, SQLite {sqlite3.sqlite_version}")
        print(f"  {'':8} {'load s':>8} {'file MiB':>9} {'date index MiB':>15} {'range s':>8} {'stock s':>8} {'month s':>8}")
        for layout in LAYOUTS:
            t = times[layout]
            print(f"  {layout:8} {statistics.median(t['load']):8.2f} {sizes[layout][0] / 1048576:9.1f} "
                  f"{sizes[layout][1] / 1048576:15.1f} {statistics.median(t['range']):8.3f} "
                  f"{statistics.median(t['stock']):8.2f} {statistics.median(t['month']):8.2f}")
        ti, tt = times["integer"], times["text"]
        print("  integer / text: " + ", ".join(
            f"{k} {statistics.median(ti[k]) / statistics.median(tt[k]):.2f}" for k in ("load", "range", "stock", "month"))
              + f", file {sizes['integer'][0] / sizes['text'][0]:.2f}, date index {sizes['integer'][1] / sizes['text'][1]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
