#!/usr/bin/python3
"""Reading records into pandas: clmis's Cursor.to_pandas() against pandas.read_sql of the same
table from the same file (the peer), in the same run.

    usage: /usr/bin/python3 bench/pandas_bench.py BUILD_DIR [ROWS] [RUNS] [WORK_DIR] [--db FILE] [--keep]
           (defaults: 200000 rows, 3 runs, /tmp)

The database is made by `clmis import` of bench/job_seekers_csv.sh's file (--db: use FILE, made
so before with --keep, instead; --keep: leave the work directory and its database). Two cases:
every column (`to_pandas()` against `read_sql("SELECT * ...")`) and five (`to_pandas(columns=
FIVE)` against `read_sql` of those five). The runs are interleaved (clmis, peer, clmis, peer,
...) so that both see the same machine load, and each figure is the median of the runs. Printed
per case: both medians, the ratio (clmis / peer) and the minimum and maximum of the per-pair
ratios. Target (issue 13): at most 2.0 in both cases, at 1,000,000 rows.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Tuple


def timed(f: Callable[[], object]) -> Tuple[float, object]:
    start = time.perf_counter()
    out = f()
    return time.perf_counter() - start, out


# The five columns of the second case: what a tabulation of registrations by sex, age and parish
# and their state needs (dates and codes).
FIVE = ["registration_date", "sex", "date_of_birth", "parish", "status"]


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    db_arg = None
    if "--db" in sys.argv:
        db_arg = Path(sys.argv[sys.argv.index("--db") + 1]).resolve()
        args.remove(str(sys.argv[sys.argv.index("--db") + 1]))
    keep = "--keep" in sys.argv
    if len(args) < 1:
        print(__doc__)
        return 2
    build = Path(args[0]).resolve()
    rows = int(args[1]) if len(args) > 1 else 200000
    runs = int(args[2]) if len(args) > 2 else 3
    work = Path(tempfile.mkdtemp(prefix="clmis-pandas-bench.", dir=args[3] if len(args) > 3 else None))
    sys.path.insert(0, str(build / "python"))
    import pandas  # noqa: E402

    import clmis  # noqa: E402

    try:
        here = Path(__file__).resolve().parent
        if db_arg:
            db_path = db_arg
        else:
            csv = work / "job_seekers.csv"
            with open(csv, "wb") as out:
                subprocess.run([str(here / "job_seekers_csv.sh"), str(rows)], stdout=out, check=True)
            db_path = work / "bench.db"
            env = dict(os.environ, CLMIS_PASSWORD="bench-password-1", CLMIS_USER="admin")
            subprocess.run([str(build / "clmis"), "init", str(db_path), "--country", "KNA"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run([str(build / "clmis"), "import", str(db_path), "job_seeker", str(csv)], env=env,
                           check=True, stdout=subprocess.DEVNULL)
            csv.unlink()

        db = clmis.open(db_path)
        session = db.login("admin", "bench-password-1")
        peer = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

        cases = [
            ("every column", "to_pandas()", lambda: session.query("job_seeker").to_pandas(),
             "read_sql('SELECT * ...')", lambda: pandas.read_sql("SELECT * FROM job_seeker", peer)),
            ("five columns", "to_pandas(columns=FIVE)", lambda: session.query("job_seeker").to_pandas(columns=FIVE),
             "read_sql('SELECT FIVE ...')",
             lambda: pandas.read_sql(f"SELECT {', '.join(FIVE)} FROM job_seeker", peer)),
        ]
        print(f"to_pandas: {rows} job seekers, {runs} interleaved runs, database {db_path}")
        for case, ours_name, ours, peer_name, theirs in cases:
            t_ours: List[float] = []
            t_peer: List[float] = []
            for _ in range(runs):
                t, df = timed(ours)
                t_ours.append(t)
                assert len(df) == rows, f"to_pandas returned {len(df)} rows"  # type: ignore[arg-type]
                del df
                t, df = timed(theirs)
                t_peer.append(t)
                assert len(df) == rows, f"read_sql returned {len(df)} rows"  # type: ignore[arg-type]
                del df
            ratios = [a / b for a, b in zip(t_ours, t_peer)]
            m_ours, m_peer = statistics.median(t_ours), statistics.median(t_peer)
            print(f" {case}:")
            print(f"  clmis {ours_name:28s} median {m_ours:8.3f} s  ({rows / m_ours:9.0f} rows/s)  runs {['%.2f' % t for t in t_ours]}")
            print(f"  pandas {peer_name:27s} median {m_peer:8.3f} s  ({rows / m_peer:9.0f} rows/s)  runs {['%.2f' % t for t in t_peer]}")
            print(f"  ratio {m_ours / m_peer:.2f} (medians; per pair {min(ratios):.2f} to {max(ratios):.2f}; target <= 2.0)")
        db.close()
        peer.close()
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
