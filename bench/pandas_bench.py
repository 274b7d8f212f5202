#!/usr/bin/python3
"""Reading records into pandas: clmis's Cursor.to_pandas() against pandas.read_sql of the same
table from the same file (the peer), in the same run.

    usage: /usr/bin/python3 bench/pandas_bench.py BUILD_DIR [ROWS] [RUNS] [WORK_DIR]
           (defaults: 200000 rows, 3 runs, /tmp)

The database is made by `clmis import` of bench/job_seekers_csv.sh's file. The runs are
interleaved (clmis, peer, clmis, peer, ...) so that both see the same machine load, and each
figure is the median of the runs. Printed: both medians, the ratio (clmis / peer) and the
minimum and maximum of the per-pair ratios.
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


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    build = Path(sys.argv[1]).resolve()
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    work = Path(tempfile.mkdtemp(prefix="clmis-pandas-bench.", dir=sys.argv[4] if len(sys.argv) > 4 else None))
    sys.path.insert(0, str(build / "python"))
    import pandas  # noqa: E402

    import clmis  # noqa: E402

    try:
        here = Path(__file__).resolve().parent
        csv = work / "job_seekers.csv"
        with open(csv, "wb") as out:
            subprocess.run([str(here / "job_seekers_csv.sh"), str(rows)], stdout=out, check=True)
        db_path = work / "bench.db"
        env = dict(os.environ, CLMIS_PASSWORD="bench-password-1", CLMIS_USER="admin")
        subprocess.run([str(build / "clmis"), "init", str(db_path), "--country", "KNA"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([str(build / "clmis"), "import", str(db_path), "job_seeker", str(csv)], env=env, check=True,
                       stdout=subprocess.DEVNULL)

        db = clmis.open(db_path)
        session = db.login("admin", "bench-password-1")
        peer = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

        def ours() -> object:
            return session.query("job_seeker").to_pandas()

        def theirs() -> object:
            return pandas.read_sql("SELECT * FROM job_seeker", peer)

        t_ours: List[float] = []
        t_peer: List[float] = []
        for _ in range(runs):
            t, df = timed(ours)
            t_ours.append(t)
            assert len(df) == rows, f"to_pandas returned {len(df)} rows"  # type: ignore[arg-type]
            t, df = timed(theirs)
            t_peer.append(t)
            assert len(df) == rows, f"read_sql returned {len(df)} rows"  # type: ignore[arg-type]
        ratios = [a / b for a, b in zip(t_ours, t_peer)]
        m_ours, m_peer = statistics.median(t_ours), statistics.median(t_peer)
        print(f"to_pandas: {rows} job seekers, {runs} interleaved runs, database in {work}")
        print(f"  clmis Cursor.to_pandas():            median {m_ours:8.3f} s  ({rows / m_ours:9.0f} rows/s)")
        print(f"  pandas.read_sql('SELECT * ...'):     median {m_peer:8.3f} s  ({rows / m_peer:9.0f} rows/s)")
        print(f"  ratio {m_ours / m_peer:.2f} (medians; per pair {min(ratios):.2f} to {max(ratios):.2f}; target <= 2.0)")
        db.close()
        peer.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
