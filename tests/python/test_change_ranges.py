"""Change ranges (storage format 5): the records an import creates one after another share one
clmis_change row, and the feed still gives each record its own change number, pages through a
range at any limit, and shows a user of the "own" scope exactly the records they created.
Expected values are worked out from the writes made here; the rows are read with sqlite3."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import clmis
from conftest import PASSWORD, sql

HEADER = "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n"


def people(first_nis: int, n: int) -> str:
    return HEADER + "".join(f"2025-02-0{1 + i % 9},Name{i},Family{i},{first_nis + i},F,1990-01-0{1 + i % 9},KN-01\n"
                            for i in range(n))


def feed(s: clmis.Session, since: int, limit: int) -> List[Tuple[int, str, int, str]]:
    return [(c["seq"], c["record_type"], c["id"], c["op"]) for c in s.changes_since(since, limit=limit)["changes"]]


def test_a_range_pages_record_by_record(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    e1 = session.create("employer", {"name": "One"})             # change 1
    csv = tmp_path / "five.csv"
    csv.write_text(people(7100001, 5))
    assert session.import_file("job_seeker", csv)["created"] == 5  # changes 2..6, job seekers 1..5
    session.update("employer", e1, 1, {"name": "One Ltd"})       # change 7
    # The five creates are one row (or, if the import crossed a second, consecutive rows whose
    # ranges follow each other); the numbers they cover are 2..6 either way.
    rows = sql(db_path, "SELECT seq, record_id, span, op FROM clmis_change WHERE record_type = 'job_seeker' ORDER BY seq")
    assert sum(r[2] for r in rows) == 5 and rows[0][:2] == (2, 1)
    assert all(b[0] == a[0] + a[2] and b[1] == a[1] + a[2] for a, b in zip(rows, rows[1:]))
    everything = [(1, "employer", e1, "create")] + [(1 + k, "job_seeker", k, "create") for k in range(1, 6)] + \
                 [(7, "employer", e1, "update")]
    assert feed(session, 0, 1000) == everything
    # Any page size, from any point, gives each change once, in order.
    for limit in (1, 2, 3, 4):
        got, since = [], 0
        while True:
            page = session.changes_since(since, limit=limit)
            got += [(c["seq"], c["record_type"], c["id"], c["op"]) for c in page["changes"]]
            if not page["changes"]:
                break
            since = page["last_seq"]
        assert got == everything, limit
    assert feed(session, 3, 2) == everything[3:5]
    assert session.changes_since(7) == {"changes": [], "last_seq": 7}


def test_own_scope_sees_the_ranges_of_its_own_imports(db: clmis.Database, session: clmis.Session, tmp_path: Path) -> None:
    for name in ("clerk_a", "clerk_b"):
        session.user_create(name, password=f"{name}-password-1", roles=["data_entry"], section="employment_services",
                            must_change_password=False)
    a = db.login("clerk_a", "clerk_a-password-1")
    b = db.login("clerk_b", "clerk_b-password-1")
    (tmp_path / "a.csv").write_text(people(7200001, 3))
    (tmp_path / "b.csv").write_text(people(7300001, 2))
    assert a.import_file("job_seeker", tmp_path / "a.csv")["created"] == 3   # changes 1..3, ids 1..3
    assert b.import_file("job_seeker", tmp_path / "b.csv")["created"] == 2   # changes 4..5, ids 4..5
    a.update("job_seeker", 2, 1, {"city": "Sandy Point"})                    # change 6
    assert feed(a, 0, 100) == [(1, "job_seeker", 1, "create"), (2, "job_seeker", 2, "create"),
                               (3, "job_seeker", 3, "create"), (6, "job_seeker", 2, "update")]
    assert feed(b, 0, 100) == [(4, "job_seeker", 4, "create"), (5, "job_seeker", 5, "create")]
    assert feed(b, 4, 100) == [(5, "job_seeker", 5, "create")]
    # The administrator sees all six.
    assert [c[0] for c in feed(session, 0, 100)] == [1, 2, 3, 4, 5, 6]


def test_a_refused_import_takes_no_change_number(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(people(7400001, 3) + "2025-02-01,,Nobody,7400099,F,1990-01-01,KN-01\n")
    report = session.import_file("job_seeker", bad)            # abort: nothing written
    assert report["committed"] is False
    assert sql(db_path, "SELECT count(*) FROM clmis_change") == [(0,)]
    good = tmp_path / "good.csv"
    good.write_text(people(7400001, 2))
    session.import_file("job_seeker", good)
    assert feed(session, 0, 100) == [(1, "job_seeker", 1, "create"), (2, "job_seeker", 2, "create")]
    # Registration numbers start at 1 too: the refused import's were never stored.
    assert sql(db_path, "SELECT registration_no FROM job_seeker ORDER BY id") == [("JS-000001",), ("JS-000002",)]
