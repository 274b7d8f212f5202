"""Storage format 4 → 10 (through 5, 6, 7, 8 and 9) on a database written by the format-4 code itself.

tests/fixtures/format4/ holds a small demo database made by commit b83bf00 (the last release of
format 4: tests/fixtures/format4/make.py says how), its audit key, and what that code answered
about it: the change feed, every record's history, status counts at six dates and the audit
verification. Today's code upgrades the file when it opens it; its answers must be the old ones,
and the file's records and non-status history rows must be untouched. Expected values come from
the old code (answers.json) and from the old file read with the sqlite3 module."""

from __future__ import annotations

import datetime as dt
import json
import lzma
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import pytest

import clmis
from conftest import SOURCE, dup_key

FIXTURE = SOURCE / "tests" / "fixtures" / "format4"
PASSWORD = "fixture-password-1"
ANSWERS: Dict[str, Any] = json.loads((FIXTURE / "answers.json").read_text(encoding="utf-8"))


def as_recorded(value: Any) -> Any:
    """A value as make.py recorded it (json with default=str)."""
    return json.loads(json.dumps(value, sort_keys=True, default=str))


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "format4.db"
    con = sqlite3.connect(path)
    con.executescript(lzma.decompress((FIXTURE / "db.sql.xz").read_bytes()).decode("utf-8"))
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    key = Path(str(path) + ".key")
    shutil.copyfile(FIXTURE / "db.key", key)
    os.chmod(path, 0o600)
    os.chmod(key, 0o600)
    return path


def rows(path: Path, query: str) -> List[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


RECORD_TABLES = ("employer", "establishment", "organisation", "job_seeker", "vacancy")


def section_tables(path: Path) -> List[str]:
    return [r[0] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '*__*' "
                                     "AND name NOT GLOB 'clmis_*' ORDER BY name")]


def test_the_fixture_is_format_4(old_db: Path) -> None:
    assert rows(old_db, "SELECT value FROM clmis_meta WHERE key = 'format'") == [("4",)]
    assert ANSWERS["format"] == "4" and ANSWERS["made_by"] == "b83bf00"
    # Every kind of history row the old code wrote is in it.
    events = dict(rows(old_db, "SELECT event, count(*) FROM clmis_history GROUP BY event"))
    assert {"created", "initial", "activate", "close", "changed", "archived"} <= set(events)


def test_upgrade_keeps_every_answer(old_db: Path) -> None:
    sections = section_tables(old_db)
    assert len(sections) >= 5
    before_records = {t: rows(old_db, f"SELECT * FROM {t} ORDER BY id") for t in RECORD_TABLES + tuple(sections)}
    record_indexes = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name NOT GLOB 'clmis_*' "
                      "ORDER BY name")
    indexes_before = rows(old_db, record_indexes)
    counters_before = rows(old_db, "SELECT name, seq FROM sqlite_sequence WHERE name NOT GLOB 'clmis_*' ORDER BY name")
    before_other_history = rows(
        old_db, "SELECT id, seq, record_type, record_id, event, field, from_value, to_value, effective_date, "
                "detail, actor, at FROM clmis_history WHERE event NOT IN ('created', 'initial') "
                "AND NOT (coalesce(field, '') = 'status' AND record_type IN ('job_seeker', 'vacancy')) ORDER BY id")
    status_rows = rows(old_db, "SELECT record_type, record_id, event, to_value, effective_date, seq, detail "
                               "FROM clmis_history WHERE field = 'status' AND record_type IN ('job_seeker', 'vacancy') "
                               "ORDER BY record_type, record_id, id")
    changes_before = rows(old_db, "SELECT seq, at, actor, record_type, record_id, op, version FROM clmis_change ORDER BY seq")
    audit_before = rows(old_db, "SELECT * FROM clmis_audit ORDER BY id")

    db = clmis.open(old_db)
    s = db.login("admin", PASSWORD)
    assert rows(old_db, "SELECT value FROM clmis_meta WHERE key = 'format'") == [("11",)]
    # The old code's answers, one by one.
    assert as_recorded(s.changes_since(0, limit=10000)) == ANSWERS["changes"]
    for key, expected in ANSWERS["history"].items():
        type_name, rid = key.split("/")
        assert as_recorded(s.history(type_name, int(rid))) == expected, key
    for key, expected in ANSWERS["counts"].items():
        type_name, day = key.split("/")
        assert as_recorded(s.status_counts(type_name, day)) == expected, key
    # The trail: the old entries untouched, then the upgrade and this login; the chain verifies.
    v = s.audit_verify()
    assert v["ok"] is True and v["problems"] == []
    assert v["entries"] == ANSWERS["audit"]["entries"] + 2
    assert rows(old_db, f"SELECT * FROM clmis_audit WHERE id <= {len(audit_before)} ORDER BY id") == audit_before
    assert rows(old_db, "SELECT action, detail FROM clmis_audit ORDER BY id DESC LIMIT 2")[1] == (
        "format_upgrade", '{"from":4,"to":11}')
    db.close()

    # The file, read without clmis: records as they were; the other history rows as they were;
    # every status row in its type's table (dates as day numbers), readable as text in the view;
    # no "created" row left (each matched its record's creation); the changes as they were.
    # Format 6 stores dates as day numbers and times as UTC seconds: each table's view gives back
    # exactly the text the old code stored, from INTEGER columns; the indexes and AUTOINCREMENT
    # counters are as they were.
    for t in RECORD_TABLES + tuple(sections):
        assert rows(old_db, f"SELECT * FROM clmis_view_{t} ORDER BY id") == before_records[t], t
    assert rows(old_db, "SELECT typeof(created_at), typeof(registration_date), typeof(date_of_birth) "
                        "FROM job_seeker WHERE date_of_birth IS NOT NULL LIMIT 1") == [("integer", "integer", "integer")]
    # Format 5's possible-duplicate index on lower() of the three columns is replaced by one on
    # the key column; its keys are what an independent FNV-1a in Python makes of the old text.
    # external_id's UNIQUE constraint (an automatic index) becomes a partial unique index.
    new_indexes = rows(old_db, record_indexes)

    def others(ix: List[tuple]) -> List[tuple]:
        return [i for i in ix if "_dup_" not in i[0] and "_ux_external_id" not in i[0] and i[1] is not None]

    assert others(new_indexes) == others(indexes_before)
    assert sorted(i[0] for i in indexes_before if i[1] is None and i[0].startswith("sqlite_autoindex_")
                  and i[0].rsplit("_", 1)[0][len("sqlite_autoindex_"):] in RECORD_TABLES) == sorted(
        f"sqlite_autoindex_{t}_1" for t in RECORD_TABLES)
    for t in RECORD_TABLES:
        assert (f"{t}_ux_external_id", f'CREATE UNIQUE INDEX "{t}_ux_external_id" ON "{t}"(external_id) '
                                       "WHERE external_id IS NOT NULL") in new_indexes
        assert rows(old_db, f"SELECT count(*) FROM pragma_index_list('{t}') WHERE origin = 'u'") == [(0,)]
    assert [i[0] for i in indexes_before if "_dup_" in i[0]] == ["job_seeker_dup_0"]
    (dup_index,) = [i for i in new_indexes if "_dup_" in i[0]]
    column = "clmis_dup_" + dup_index[0].rsplit("_", 1)[1]
    assert dup_index[1] == (f'CREATE INDEX "{dup_index[0]}" ON "job_seeker"("{column}") WHERE "{column}" IS NOT NULL')
    people = rows(old_db, f'SELECT j.id, v.first_name, v.family_name, v.date_of_birth, j."{column}" '
                          "FROM job_seeker j JOIN clmis_view_job_seeker v ON v.id = j.id")
    assert len(people) == len(before_records["job_seeker"])
    for rid, first, family, born, key in people:
        expected = None if None in (first, family, born) else dup_key(
            first, family, (dt.date.fromisoformat(born) - dt.date(1970, 1, 1)).days)
        assert key == expected, rid
    assert rows(old_db, "SELECT name, seq FROM sqlite_sequence WHERE name NOT GLOB 'clmis_*' ORDER BY name") == counters_before
    assert rows(old_db, "SELECT id, seq, record_type, record_id, event, field, from_value, to_value, effective_date, "
                        "detail, actor, at FROM clmis_history ORDER BY id") == before_other_history
    assert rows(old_db, "SELECT count(*) FROM clmis_history WHERE event IN ('created', 'initial')") == [(0,)]
    assert rows(old_db, "SELECT record_type, record_id, event, status, effective_date, seq, detail "
                        "FROM clmis_status_history ORDER BY record_type, record_id, n") == status_rows
    epoch = dt.date(1970, 1, 1)
    for record_type, record_id, n, day, text in rows(
            old_db, "SELECT v.record_type, v.record_id, v.n, s.effective_day, v.effective_date FROM clmis_status_history v "
                    "JOIN (SELECT 'job_seeker' AS t, * FROM clmis_status__job_seeker UNION ALL "
                    "SELECT 'vacancy', * FROM clmis_status__vacancy) s ON s.t = v.record_type "
                    "AND s.record_id = v.record_id AND s.n = v.n"):
        assert epoch + dt.timedelta(days=day) == dt.date.fromisoformat(text), (record_type, record_id, n)
    assert rows(old_db, "SELECT seq, at, actor, record_type, record_id, op, version FROM clmis_change "
                        "ORDER BY seq") == changes_before
    assert rows(old_db, "SELECT count(*) FROM clmis_change WHERE span <> 1") == [(0,)]
    assert rows(old_db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(old_db, "PRAGMA foreign_key_check") == []


def test_writes_after_the_upgrade_continue_the_change_numbers(old_db: Path, tmp_path: Path) -> None:
    last = rows(old_db, "SELECT max(seq) FROM clmis_change")[0][0]
    db = clmis.open(old_db)
    s = db.login("admin", PASSWORD)
    csv = tmp_path / "new.csv"
    csv.write_text("registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n"
                   "2026-06-01,Aisha,Mills,2910001,F,1996-04-04,KN-02\n"
                   "2026-06-01,Brent,Mills,2910002,M,1994-05-05,KN-02\n")
    report = s.import_file("job_seeker", csv)
    assert report["created"] == 2
    first = rows(old_db, "SELECT max(id) - 1 FROM job_seeker")[0][0]
    # One change row for both (an import's creates in one second form a range), unless the
    # import straddled a second.
    assert rows(old_db, f"SELECT sum(span), min(record_id) FROM clmis_change WHERE seq > {last}") == [(2, first)]
    feed = s.changes_since(last)["changes"]
    assert [(c["seq"], c["record_type"], c["id"], c["op"]) for c in feed] == [
        (last + 1, "job_seeker", first, "create"), (last + 2, "job_seeker", first + 1, "create")]
    # Registration numbers go on from the old sequence.
    numbers = rows(old_db, f"SELECT registration_no FROM job_seeker WHERE id >= {first} ORDER BY id")
    old_top = rows(old_db, "SELECT value FROM clmis_sequence WHERE name = 'job_seeker.registration_no'")[0][0]
    assert numbers == [(f"JS-{old_top - 1:06d}",), (f"JS-{old_top:06d}",)]
    h = s.history("job_seeker", first)
    assert [(e["event"], e["seq"]) for e in h] == [("created", last + 1), ("initial", last + 1)]
    db.close()


def refused_unchanged(old_db: Path, damage: str, message: str) -> None:
    """Damages the old file with one statement; opening it must fail with message and leave every
    byte of its content (the SQL dump) as it was."""
    con = sqlite3.connect(old_db)
    con.execute(damage)
    con.commit()
    dump_before = "\n".join(con.iterdump())
    con.close()
    with pytest.raises(clmis.Error, match=message):
        clmis.open(old_db)
    con = sqlite3.connect(old_db)
    try:
        assert "\n".join(con.iterdump()) == dump_before
    finally:
        con.close()


def test_a_history_the_upgrade_cannot_read_leaves_the_file_unchanged(old_db: Path) -> None:
    # A job seeker whose first status row is a transition (a file edited by hand): the upgrade
    # refuses it and rolls back, the file stays format 4.
    refused_unchanged(old_db, "DELETE FROM clmis_history WHERE id = (SELECT min(id) FROM clmis_history WHERE "
                              "record_type = 'job_seeker' AND event = 'initial' AND record_id IN (SELECT record_id "
                              "FROM clmis_history WHERE event = 'activate'))",
                      "does not start with an initial state")


def test_rows_the_upgrade_cannot_restate_are_kept(old_db: Path) -> None:
    # A damaged or hand-edited format-4 file: a status row of a job seeker that is not there, and
    # a "created" row whose change number is not the record's create. Neither may be lost.
    con = sqlite3.connect(old_db)
    con.execute("INSERT INTO clmis_history (seq, record_type, record_id, event, field, from_value, to_value, "
                "effective_date, actor, at) VALUES (1, 'job_seeker', 999, 'initial', 'status', NULL, 'registered', "
                "'2024-01-01', 1, '2024-01-01T00:00:00Z')")
    con.execute("UPDATE clmis_history SET seq = seq + 1 WHERE record_type = 'employer' AND record_id = 1 "
                "AND event = 'created'")
    con.commit()
    (created_seq,) = con.execute("SELECT seq FROM clmis_history WHERE record_type = 'employer' AND record_id = 1 "
                                 "AND event = 'created'").fetchone()
    con.close()
    db = clmis.open(old_db)
    s = db.login("admin", PASSWORD)
    assert rows(old_db, "SELECT record_id, event, to_value FROM clmis_history WHERE record_type = 'job_seeker' "
                        "AND record_id = 999") == [(999, "initial", "registered")]
    h = s.history("employer", 1)
    # Kept as it was (history orders by change number: this one now comes after its change's
    # other rows), not restated with the record's own create.
    assert [e["seq"] for e in h if e["event"] == "created"] == [created_seq]
    db.close()


def test_a_stored_date_the_upgrade_cannot_read_leaves_the_file_unchanged(old_db: Path) -> None:
    # A birth date no calendar has (a file edited by hand): format 6 cannot store it as a day
    # number; the upgrade names the column and rolls back, the file stays format 4.
    refused_unchanged(old_db, "UPDATE job_seeker SET date_of_birth = '1990-02-30' WHERE id = (SELECT min(id) FROM "
                              "job_seeker)", "column date_of_birth of job_seeker holds 1 value")
