"""The indicator engine against pandas (issue 17): the registered job seekers' stock, inflows and
outflows (D1) and the vacancy fill rate (D4), by month over five years, with every declared
disaggregation (each dimension alone and sex x each other), on a demo database.

    /usr/bin/python3 bench/indicators_bench.py BUILD [SCALE] [DIR]

The database is `clmis demo --scale SCALE` (5,000 job seekers, 1,000 vacancies and, by the
parameters this script gives the demo, 1,500 complaints a scale: at scale 200 the issue's national
size of 1,000,000 job seekers, 200,000 vacancies and 300,000 complaints), made once in DIR
(default BUILD/bench) and used again. clmis computes through the Python package
(`Session.indicators`); the peer is the same indicators written in pandas over DataFrames already
in memory (reading the tables is not timed). The two must agree on every integer numerator and
denominator, cell by cell, or the run fails. Each figure is the median of three interleaved runs.
It then times the whole package the same way (every indicator by month, or by quarter when it has
no monthly periodicity, with every dimension it declares), for the issue's 10-second target, and
again with disclosure control (no target: the cost of the audit's linear programs).
"""
from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

build = Path(sys.argv[1]).resolve()
scale = int(sys.argv[2]) if len(sys.argv) > 2 else 20
out_dir = Path(sys.argv[3]).resolve() if len(sys.argv) > 3 else build / "bench"
sys.path.insert(0, str(build / "python"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import clmis  # noqa: E402

PASSWORD = "bench-users-password"
# The demo's own parameters make 400 complaints a scale; the national size has 300,000
# complaints beside 1,000,000 job seekers, so 1,500 a scale (the rest of the file unchanged).
COMPLAINTS_PER_SCALE = 1500
db_dir = out_dir / f"indicators-demo-{scale}-c{COMPLAINTS_PER_SCALE}"
db_path = db_dir / "clmis-demo-kna.db"
if not db_path.exists():
    db_dir.parent.mkdir(parents=True, exist_ok=True)
    params = json.loads((Path(__file__).resolve().parent.parent / "data" / "demo" / "parameters.json").read_text())
    params["counts_at_scale_1"]["complaints"] = COMPLAINTS_PER_SCALE
    params_file = db_dir.parent / f"parameters-c{COMPLAINTS_PER_SCALE}.json"
    params_file.write_text(json.dumps(params, indent=1))
    env = dict(os.environ, CLMIS_PASSWORD="bench-admin-password", CLMIS_DEMO_USERS_PASSWORD=PASSWORD)
    t = time.perf_counter()
    subprocess.run([str(build / "clmis"), "demo", "--out", str(db_dir), "--scale", str(scale),
                    "--parameters", str(params_file)], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"made {db_path} in {time.perf_counter() - t:.0f} s")

PERIOD, FREQ = "2022..2026", "month"
REG = ["registered", "active"]

# ---- the data for pandas, read once (not timed) ---------------------------------------------
con = sqlite3.connect(db_path)
js = pd.read_sql("SELECT id, sex, date_of_birth, parish FROM job_seeker WHERE archived = 0", con).set_index("id")
ocu = pd.read_sql("SELECT parent_id AS id, occupation FROM job_seeker__desired_occupations "
                  "WHERE item_no = (SELECT min(item_no) FROM job_seeker__desired_occupations d "
                  "WHERE d.parent_id = job_seeker__desired_occupations.parent_id)", con).set_index("id")
edu = pd.read_sql("SELECT parent_id AS id, max(isced_level) AS edu FROM job_seeker__education GROUP BY parent_id", con).set_index("id")
js = js.join(ocu).join(edu)
js["ocu"] = js["occupation"].str[0]
st = pd.read_sql("SELECT record_id AS id, n, effective_day AS day, status FROM clmis_status__job_seeker ORDER BY record_id, effective_day, n", con)
vac = pd.read_sql("SELECT id, parish, occupation, date_registered, outcome FROM vacancy WHERE archived = 0", con).set_index("id")
vst = pd.read_sql("SELECT record_id AS id, n, effective_day AS day, status FROM clmis_status__vacancy ORDER BY record_id, effective_day, n", con)
n_complaints = con.execute("SELECT count(*) FROM complaint WHERE archived = 0").fetchone()[0]
con.close()

months = pd.period_range("2022-01", "2026-12", freq="M")
m_first = np.array([(p.start_time - pd.Timestamp("1970-01-01")).days for p in months])
m_last = np.array([(p.end_time.normalize() - pd.Timestamp("1970-01-01")).days for p in months])
codes = [f"{p.year}-{p.month:02d}" for p in months]
BANDS = [(15, None, "Y_GE15"), (15, 64, "Y15T64"), (25, None, "Y_GE25"), (25, 54, "Y25T54")]
EDGES = [15, 25, 35, 45, 55, 65]
PARTS = np.array(["Y_LT15", "Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65"])


def age_years(birth_days: np.ndarray, ref_days: np.ndarray) -> np.ndarray:
    b = pd.to_datetime(birth_days, unit="D")
    r = pd.to_datetime(ref_days, unit="D")
    years = r.year.values - b.year.values
    before = (r.month.values < b.month.values) | ((r.month.values == b.month.values) & (r.day.values < b.day.values))
    return years - before


def tabulate(rows: pd.DataFrame, dims: list[str]) -> dict:
    """rows: one per contribution with 'm' (month index) and the dimension columns → {(period,
    cell): count} for the total, each dimension alone and sex x each other (ages: partitions and
    summary bands)."""
    out: dict = {}

    def add(frame: pd.DataFrame, cols: list[str]) -> None:
        g = frame.groupby(["m", *cols], sort=False).size()
        for key, n in g.items():
            key = key if isinstance(key, tuple) else (key,)
            out[(codes[key[0]], tuple(sorted(zip(cols, key[1:]))))] = int(n)

    add(rows, [])
    variants = {}
    for d in dims:
        if d == "age":
            parts = rows.assign(age=rows["age_part"])
            bands = []
            for lo, hi, name in BANDS:
                sel = rows["age_years"].ge(lo) & (rows["age_years"].le(hi) if hi is not None else True)
                bands.append(rows[sel].assign(age=name))
            variants[d] = pd.concat([parts, *bands])
        else:
            variants[d] = rows
    for d in dims:
        add(variants[d], [d])
    if "sex" in dims:
        for d in dims:
            if d != "sex":
                add(variants[d], ["sex", d])
    return out


def with_dims(pairs: pd.DataFrame, ref: np.ndarray) -> pd.DataFrame:
    a = js.loc[pairs["id"].values]
    years = age_years(a["date_of_birth"].values, ref)
    part = np.where(pd.isna(a["date_of_birth"].values), "_N", PARTS[np.digitize(years, EDGES)])
    return pd.DataFrame({"m": pairs["m"].values, "sex": a["sex"].fillna("_N").values, "geo": a["parish"].fillna("_N").values,
                         "ocu": a["ocu"].fillna("_N").values, "edu": ("ISCED11_" + a["edu"]).fillna("_N").values,
                         "age_part": part, "age_years": years})


def pandas_d1(dims: list[str]) -> dict:
    s = st[st["id"].isin(js.index)].copy()  # archived records are left out, as clmis does
    s["in"] = s["status"].isin(REG)
    s["next_day"] = s.groupby("id")["day"].shift(-1).fillna(10**9).astype(np.int64)  # 10^9 days: never
    s["was"] = s.groupby("id")["in"].shift(1, fill_value=False)
    # Stock: the month ends inside each stretch in the states.
    iv = s[s["in"]]
    lo = np.searchsorted(m_last, iv["day"].values, "left")
    hi = np.searchsorted(m_last, iv["next_day"].values, "left")
    n = hi - lo
    ids = np.repeat(iv["id"].values, n)
    m = np.repeat(lo, n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    stock = tabulate(with_dims(pd.DataFrame({"id": ids, "m": m}), m_last[m]), dims)
    res = {("D1.stock",) + k: v for k, v in stock.items()}
    for name, sel in [("D1.inflow", s["in"] & ~s["was"]), ("D1.outflow", ~s["in"] & s["was"])]:
        ev = s[sel]
        mi = np.searchsorted(m_first, ev["day"].values, "right") - 1
        ok = (mi >= 0) & (ev["day"].values <= m_last[np.clip(mi, 0, None)])
        ev, mi = ev[ok], mi[ok]
        res.update({(name,) + k: v for k, v in tabulate(with_dims(pd.DataFrame({"id": ev["id"].values, "m": mi}),
                                                                  ev["day"].values), dims).items()})
    return res


def pandas_d4() -> dict:
    """Vacancy fill rate by geo and ocu: closed as filled in the month (numerator) over notified in
    the month (denominator)."""
    v = vst[vst["id"].isin(vac.index)].copy()
    v["was_closed"] = v.groupby("id")["status"].shift(1, fill_value="") == "closed"
    closed = v[(v["status"] == "closed") & ~v["was_closed"]]
    closed = closed[closed["id"].map(vac["outcome"]).eq("filled")]
    res = {}
    for name, days, idx in [("num", closed["day"].values, closed["id"].values),
                            ("den", vac["date_registered"].values, vac.index.values)]:
        mi = np.searchsorted(m_first, days, "right") - 1
        ok = (mi >= 0) & (days <= m_last[np.clip(mi, 0, None)])
        a = vac.loc[idx[ok]]
        rows = pd.DataFrame({"m": mi[ok], "geo": a["parish"].fillna("_N").values, "ocu": a["occupation"].str[0].fillna("_N").values})
        res[name] = tabulate(rows, ["geo", "ocu"])
    return res


D1_DIMS = ["sex", "age", "geo", "ocu", "edu"]


def clmis_run(s: clmis.Session) -> tuple[list, list]:
    d1 = s.indicators(["D1.stock", "D1.inflow", "D1.outflow"], period=PERIOD, freq=FREQ, by=D1_DIMS)
    d4 = s.indicators(["D4"], period=PERIOD, freq=FREQ, by=["geo", "ocu"])
    return d1, d4


def pandas_run() -> tuple[dict, dict]:
    return pandas_d1(D1_DIMS), pandas_d4()


# The whole package as the issue sets it: every indicator computed by month over the five years
# with every dimension it declares (each alone and sex x each other); those computed by quarter
# only (the survey's, C4, D2, D10) by quarter. clmis alone: the peer covers D1 and D4.
def package_requests(s: clmis.Session) -> list[tuple[list[str], str, list[str]]]:
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for d in s.indicators_list():
        freq = "month" if "month" in d["periodicity"] else "quarter"
        groups.setdefault((freq, tuple(d["dimensions"])), []).append(d["id"])
    return [(ids, freq, list(dims)) for (freq, dims), ids in groups.items()]


def package_run(s: clmis.Session, requests, protect: bool = False) -> tuple[int, int]:
    n = q = 0
    for ids, freq, dims in requests:
        rows = s.indicators(ids, period=PERIOD, freq=freq, by=dims, protect=protect)
        n += len(rows)
        q += sum(1 for r in rows if r["status"] == "Q")
    return n, q


db = clmis.open(str(db_path))
session = db.login("statistician", PASSWORD)
times = {"clmis": [], "pandas": [], "package": [], "protected": []}
requests = package_requests(session)
for _ in range(3):
    t = time.perf_counter()
    ours = clmis_run(session)
    times["clmis"].append(time.perf_counter() - t)
    t = time.perf_counter()
    theirs = pandas_run()
    times["pandas"].append(time.perf_counter() - t)
    t = time.perf_counter()
    package_values, _ = package_run(session, requests)
    times["package"].append(time.perf_counter() - t)
    t = time.perf_counter()
    protected_values, suppressed = package_run(session, requests, protect=True)
    times["protected"].append(time.perf_counter() - t)

# Agreement on every integer numerator and denominator.
d1, d4 = ours
p_d1, p_d4 = theirs
mine = {}
for o in d1:
    mine[(o["indicator"], o["period"], tuple(sorted(o["cell"].items())))] = int(o["numerator"])
want = {k: v for k, v in p_d1.items() if v}
got = {k: v for k, v in mine.items() if v}
if got != want:
    diff = sorted(set(got.items()) ^ set(want.items()))[:10]
    sys.exit(f"D1 disagrees with pandas on {len(set(got.items()) ^ set(want.items()))} cells, e.g. {diff}")
for o in d4:
    key = (o["period"], tuple(sorted(o["cell"].items())))
    if int(o["numerator"]) != p_d4["num"].get(key, 0) or int(o["denominator"]) != p_d4["den"].get(key, 0):
        sys.exit(f"D4 disagrees at {key}: {o['numerator']}/{o['denominator']} vs "
                 f"{p_d4['num'].get(key, 0)}/{p_d4['den'].get(key, 0)}")
c, p = statistics.median(times["clmis"]), statistics.median(times["pandas"])
print(f"scale {scale}: {len(js):,} job seekers, {len(vac):,} vacancies, {n_complaints:,} complaints; 60 months, D1 (3 indicators) by "
      f"{','.join(D1_DIMS)} and D4 by geo,ocu; {len(d1) + len(d4):,} values, every numerator and denominator equal")
print(f"clmis {c:.2f} s, pandas (in memory) {p:.2f} s, ratio {c / p:.2f} (medians of 3)")
print(f"the whole package ({sum(len(r[0]) for r in requests)} indicators in {len(requests)} requests, five years by month "
      f"or quarter, every declared dimension): {package_values:,} values in {statistics.median(times['package']):.2f} s "
      f"(median of 3; target 10 s)")
print(f"the same with disclosure control (each flow's months, quarters and year linked): {protected_values:,} values, "
      f"{suppressed:,} suppressed (Q), in {statistics.median(times['protected']):.2f} s (median of 3)")
