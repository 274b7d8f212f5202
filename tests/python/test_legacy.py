"""Legacy registers with their history (issue 14): an import carries each record's lifecycle in
one of two forms — (a) a date column per state reached, (b) status with status_date — and the
status history is exactly what the transitions would have written on those dates.

Independent checks: stocks at past dates are counted here from the file itself (plain Python
over the CSV rows), and the status history is compared with a second database where the same
records were created and moved through Session.transition one call at a time."""
import csv
import io
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import clmis
from conftest import PASSWORD, digest, sql

HEAD = "external_id,registration_date,first_name,family_name,sex,date_of_birth"

# Form (a): the date each state was reached. Ties and gaps on purpose: row L03 is activated and
# made inactive on the same day; L05 is closed from registered; L06 goes active → inactive →
# closed; L07 stays registered.
FORM_A = (HEAD + ",active_on,inactive_on,closed_on,inactive_reason,outcome,closed_note\n"
          "L01,2024-01-15,Ann,Hodge,F,1990-05-01,2024-02-01,,,,,\n"
          "L02,2024-01-20,Bo,Liburd,M,1985-03-03,2024-01-20,,2024-06-30,,placed,hired at the port\n"
          "L03,2024-02-10,Cy,Browne,M,1999-12-31,2024-03-01,2024-03-01,,training,,\n"
          "L04,2024-03-05,Di,Mills,F,2001-07-07,2024-03-10,2024-05-31,,no_contact,,\n"
          "L05,2024-03-05,Ed,Hanley,M,1970-01-01,,,2024-04-01,,withdrawn,\n"
          "L06,2024-04-01,Flo,Jeffers,F,1995-02-28,2024-04-02,2024-07-01,2024-09-30,other,emigrated,left for Canada\n"
          "L07,2024-05-01,Gus,Phipps,M,1980-08-08,,,,,,\n")

# Form (b): the state reached and its date; registered on the registration date.
FORM_B = (HEAD + ",status,status_date,inactive_reason,outcome\n"
          "S01,2024-01-10,Ann,Hodge,F,1990-05-01,active,2024-01-31,,\n"
          "S02,2024-01-10,Bo,Liburd,M,1985-03-03,inactive,2024-04-30,temporary_work,\n"
          "S03,2024-02-01,Cy,Browne,M,1999-12-31,closed,2024-03-15,,found_work_self\n"
          "S04,2024-02-01,Di,Mills,F,2001-07-07,registered,2024-02-01,,\n"
          "S05,2024-03-01,Ed,Hanley,M,1970-01-01,registered,,,\n")

DATES = ["2024-01-01", "2024-01-31", "2024-02-01", "2024-03-01", "2024-03-31", "2024-06-30", "2024-07-01",
         "2024-12-31"]


def rows(text: str) -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def expected_counts_a(text: str, date: str) -> Dict[str, int]:
    """A record is in the state reached last on or before date (ties: the workflow's order of
    states registered < active < inactive < closed); before registration it is not counted."""
    order = ["registered", "active", "inactive", "closed"]
    counts = {s: 0 for s in order}
    for r in rows(text):
        if r["registration_date"] > date:
            continue
        reached = [(r["registration_date"], 0, "registered")]
        for i, s in enumerate(order[1:], 1):
            if r[s + "_on"]:
                reached.append((r[s + "_on"], i, s))
        counts[max(x for x in reached if x[0] <= date)[2]] += 1
    return counts


def expected_counts_b(text: str, date: str) -> Dict[str, int]:
    """registered from the registration date, status from status_date (the steps between are
    taken the same day, so they are never the state at the end of a day)."""
    counts = {s: 0 for s in ["registered", "active", "inactive", "closed"]}
    for r in rows(text):
        if r["registration_date"] > date:
            continue
        counts[r["status"] if (r["status_date"] or r["registration_date"]) <= date else "registered"] += 1
    return counts


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def status_rows(path: Path) -> List[Tuple]:
    """The status history as stored, by external_id: what a transition writes, without the
    change numbers, actors and times (which differ between two databases)."""
    return sql(path, "SELECT r.external_id, h.event, h.status, h.effective_day, h.detail "
                     "FROM clmis_status__job_seeker h JOIN job_seeker r ON r.id = h.record_id "
                     "ORDER BY r.external_id, h.n")


def test_form_a_stocks_at_past_dates_equal_the_files(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    report = session.import_file("job_seeker", write(tmp_path, "a.csv", FORM_A))
    assert report["committed"] and report["created"] == 7 and report["refused"] == 0, report["problems"]
    for d in DATES:
        assert session.status_counts("job_seeker", d)["counts"] == expected_counts_a(FORM_A, d), d
    # The fields a transition sets are on its history row, not set at creation.
    assert sql(db_path, "SELECT status, outcome, inactive_reason, closed_note FROM job_seeker WHERE external_id='L06'") == [
        ("closed", "emigrated", "other", "left for Canada")]


def test_form_b_stocks_at_past_dates_equal_the_files(session: clmis.Session, tmp_path: Path) -> None:
    report = session.import_file("job_seeker", write(tmp_path, "b.csv", FORM_B))
    assert report["committed"] and report["created"] == 5 and report["refused"] == 0, report["problems"]
    for d in DATES:
        assert session.status_counts("job_seeker", d)["counts"] == expected_counts_b(FORM_B, d), d


def by_hand(session: clmis.Session, text: str, form: str) -> None:
    """The same records through create and transition, one call at a time: the history a clerk
    would have written on those dates."""
    for r in rows(text):
        record = {k: r[k] for k in ["external_id", "registration_date", "first_name", "family_name", "sex",
                                    "date_of_birth"]}
        rid = session.create("job_seeker", record)
        version = 1
        if form == "a":
            steps = []
            for s, tr in [("active", "activate"), ("inactive", "deactivate"), ("closed", "close")]:
                if r[s + "_on"]:
                    steps.append((r[s + "_on"], tr))
            steps.sort(key=lambda x: x[0])  # stable: ties keep the workflow's order
        else:
            path = {"registered": [], "active": ["activate"], "inactive": ["activate", "deactivate"],
                    "closed": ["close"]}[r["status"]]
            steps = [(r["status_date"], tr) for tr in path]
        for date, tr in steps:
            fields = {}
            if tr == "deactivate":
                fields["inactive_reason"] = r["inactive_reason"]
            if tr == "close":
                fields["outcome"] = r["outcome"]
                if r.get("closed_note"):
                    fields["closed_note"] = r["closed_note"]
            version = session.transition("job_seeker", rid, version, tr, effective_date=date, **fields)


@pytest.mark.parametrize("form,text", [("a", FORM_A), ("b", FORM_B)])
def test_the_history_is_what_the_transitions_would_have_written(tmp_path: Path, form: str, text: str) -> None:
    paths = []
    for name in ("imported", "by_hand"):
        path = tmp_path / (name + ".clmis")
        db = clmis.create(path, country="KNA", admin_password=PASSWORD)
        s = db.login("admin", PASSWORD)
        if name == "imported":
            report = s.import_file("job_seeker", write(tmp_path, "f.csv", text))
            assert report["committed"], report["problems"]
        else:
            by_hand(s, text, form)
        db.close()
        paths.append(path)
    assert status_rows(paths[0]) == status_rows(paths[1])
    assert len(status_rows(paths[0])) > len(rows(text))


def test_importing_the_same_file_twice_changes_nothing(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", FORM_A)
    assert session.import_file("job_seeker", f)["created"] == 7
    before = status_rows(db_path)
    again = session.import_file("job_seeker", f)
    assert again["committed"] and again["created"] == 0 and again["updated"] == 0 and again["unchanged"] == 7
    assert status_rows(db_path) == before
    # A later extract of the register continues a record's history: L01 is now closed.
    later = FORM_A.replace("L01,2024-01-15,Ann,Hodge,F,1990-05-01,2024-02-01,,,,,",
                           "L01,2024-01-15,Ann,Hodge,F,1990-05-01,2024-02-01,,2024-10-01,,placed,")
    r = session.import_file("job_seeker", write(tmp_path, "later.csv", later))
    assert r["committed"] and r["updated"] == 1 and r["unchanged"] == 6
    assert session.status_counts("job_seeker", "2024-10-01")["counts"]["closed"] == 4


BAD = [
    # (row, column, rule) of each error; the row's text after the registration data.
    ("inactive without ever being active", "L09,2024-01-15,A,B,F,1990-01-01,,2024-02-01,,other,,",
     [(2, "inactive_on", "workflow")]),
    ("dates out of order", "L09,2024-01-15,A,B,F,1990-01-01,2024-05-01,2024-03-01,,other,,",
     [(2, "inactive_on", "date_order")]),
    ("closed without an outcome", "L09,2024-01-15,A,B,F,1990-01-01,2024-02-01,,2024-03-01,,,",
     [(2, "outcome", "required")]),
    ("inactive without its reason", "L09,2024-01-15,A,B,F,1990-01-01,2024-02-01,2024-03-01,,,,",
     [(2, "inactive_reason", "required")]),
    ("before the registration date", "L09,2024-01-15,A,B,F,1990-01-01,2024-01-14,,,,,",
     [(2, "active_on", "date_order")]),
    ("an outcome without a close", "L09,2024-01-15,A,B,F,1990-01-01,2024-02-01,,,,placed,",
     [(2, "outcome", "workflow")]),
    ("not a date", "L09,2024-01-15,A,B,F,1990-01-01,1/2/2024,,,,,", [(2, "active_on", "type")]),
    ("in the future", "L09,2024-01-15,A,B,F,1990-01-01,2999-01-01,,,,,", [(2, "active_on", "date_order")]),
    ("a bad outcome code", "L09,2024-01-15,A,B,F,1990-01-01,,,2024-03-01,,hired,", [(2, "outcome", "code_list")]),
]


@pytest.mark.parametrize("name,row,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_lifecycles_are_row_errors_and_nothing_is_imported(session: clmis.Session, db_path: Path, tmp_path: Path,
                                                               name: str, row: str,
                                                               expected: List[Tuple[int, str, str]]) -> None:
    header = FORM_A.splitlines()[0]
    good = FORM_A.splitlines()[1]
    before = digest(db_path)
    report = session.import_file("job_seeker", write(tmp_path, "bad.csv", header + "\n" + row + "\n" + good + "\n"))
    assert not report["committed"]
    assert [(p["row"], p["column"], p["rule"]) for p in report["problems"] if not p["warning"]] == expected
    assert digest(db_path) == before


BAD_B = [
    ("a state without its date", "S09,2024-01-10,A,B,F,1990-01-01,active,,,", [(2, "status_date", "required")]),
    ("not a state", "S09,2024-01-10,A,B,F,1990-01-01,hired,2024-02-01,,", [(2, "status", "code_list")]),
    ("registered on another day", "S09,2024-01-10,A,B,F,1990-01-01,registered,2024-02-01,,",
     [(2, "status_date", "date_order")]),
    ("a date without a state", "S09,2024-01-10,A,B,F,1990-01-01,,2024-02-01,,", [(2, "status", "required")]),
    ("before the registration date", "S09,2024-01-10,A,B,F,1990-01-01,closed,2024-01-09,,placed",
     [(2, "status_date", "date_order")]),
]


@pytest.mark.parametrize("name,row,expected", BAD_B, ids=[b[0] for b in BAD_B])
def test_bad_status_rows_are_row_errors(session: clmis.Session, db_path: Path, tmp_path: Path, name: str, row: str,
                                        expected: List[Tuple[int, str, str]]) -> None:
    header = FORM_B.splitlines()[0]
    before = digest(db_path)
    report = session.import_file("job_seeker", write(tmp_path, "bad.csv", header + "\n" + row + "\n"))
    assert not report["committed"]
    assert [(p["row"], p["column"], p["rule"]) for p in report["problems"] if not p["warning"]] == expected
    assert digest(db_path) == before


def test_skip_keeps_the_good_rows_and_nothing_of_a_bad_one(session: clmis.Session, db_path: Path,
                                                            tmp_path: Path) -> None:
    # Row 2's record would be created before its close fails (a bad outcome code): the import
    # keeps nothing of it.
    text = FORM_A.splitlines()[0] + "\nL09,2024-01-15,A,B,F,1990-01-01,2024-02-01,,2024-03-01,,hired,\n" + \
        FORM_A.splitlines()[1] + "\n"
    report = session.import_file("job_seeker", write(tmp_path, "skip.csv", text), on_error="skip")
    assert report["committed"] and report["created"] == 1 and report["refused"] == 1
    assert sql(db_path, "SELECT external_id, status FROM job_seeker") == [("L01", "active")]


@pytest.mark.parametrize("header", [
    HEAD + ",status,active_on",      # both forms
    HEAD + ",status_date",           # a date without the state column
])
def test_header_mixing_the_forms_is_refused(session: clmis.Session, db_path: Path, tmp_path: Path, header: str) -> None:
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.import_file("job_seeker", write(tmp_path, "h.csv", header + "\n"))
    assert [x["rule"] for x in e.value.errors] == ["csv"]
    assert digest(db_path) == before


def test_json_lines_carry_the_same_lifecycle(session: clmis.Session, tmp_path: Path) -> None:
    lines = ['{"external_id":"J1","registration_date":"2024-01-15","first_name":"A","family_name":"B","sex":"F",'
             '"date_of_birth":"1990-01-01","active_on":"2024-02-01","closed_on":"2024-03-01","outcome":"placed"}',
             '{"external_id":"J2","registration_date":"2024-01-15","first_name":"C","family_name":"D","sex":"M",'
             '"date_of_birth":"1990-01-01","status":"inactive","status_date":"2024-02-01",'
             '"inactive_reason":"training"}']
    report = session.import_file("job_seeker", write(tmp_path, "l.jsonl", "\n".join(lines) + "\n"), format="jsonl")
    assert report["committed"] and report["created"] == 2, report["problems"]
    # 2024-02-15: J1 active (since 02-01), J2 inactive (since 02-01); 2024-03-01: J1 closed.
    assert session.status_counts("job_seeker", "2024-02-15")["counts"] == {
        "registered": 0, "active": 1, "inactive": 1, "closed": 0}
    assert session.status_counts("job_seeker", "2024-03-01")["counts"] == {
        "registered": 0, "active": 0, "inactive": 1, "closed": 1}


def test_a_later_status_extract_continues_the_histories(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    """Form (b) from monthly extracts of one register (review of issue 14): January's says S01,
    S02 and S03 are active since 2024-01-31; February's that S01 became inactive on 2024-02-20,
    S02 closed on 2024-02-25, S03 unchanged. The records exist, so February's statuses are
    reached from where they are (deactivate; close), not again from registered."""
    head = HEAD + ",status,status_date,inactive_reason,outcome\n"
    jan = head + ("S01,2024-01-10,Ann,Hodge,F,1990-05-01,active,2024-01-31,,\n"
                  "S02,2024-01-10,Bo,Liburd,M,1985-03-03,active,2024-01-31,,\n"
                  "S03,2024-01-10,Cy,Browne,M,1999-12-31,active,2024-01-31,,\n")
    feb = head + ("S01,2024-01-10,Ann,Hodge,F,1990-05-01,inactive,2024-02-20,training,\n"
                  "S02,2024-01-10,Bo,Liburd,M,1985-03-03,closed,2024-02-25,,placed\n"
                  "S03,2024-01-10,Cy,Browne,M,1999-12-31,active,2024-01-31,,\n")
    assert session.import_file("job_seeker", write(tmp_path, "jan.csv", jan))["created"] == 3
    r = session.import_file("job_seeker", write(tmp_path, "feb.csv", feb))
    assert r["committed"] and r["updated"] == 2 and r["unchanged"] == 1, r["problems"]
    assert status_rows(db_path) == [
        ("S01", None, "registered", 19732, None),  # 2024-01-10 is day 19732 of the Unix epoch
        ("S01", "activate", "active", 19753, '{"transition":"activate"}'),  # 2024-01-31
        ("S01", "deactivate", "inactive", 19773,  # 2024-02-20
         '{"transition":"deactivate","fields":{"inactive_reason":"training"}}'),
        ("S02", None, "registered", 19732, None),
        ("S02", "activate", "active", 19753, '{"transition":"activate"}'),
        ("S02", "close", "closed", 19778, '{"transition":"close","fields":{"outcome":"placed"}}'),  # 2024-02-25
        ("S03", None, "registered", 19732, None),
        ("S03", "activate", "active", 19753, '{"transition":"activate"}')]
    # 2024-02-21: S01 inactive, S02 and S03 active; 2024-02-29: S02 closed.
    assert session.status_counts("job_seeker", "2024-02-21")["counts"] == {
        "registered": 0, "active": 2, "inactive": 1, "closed": 0}
    assert session.status_counts("job_seeker", "2024-02-29")["counts"] == {
        "registered": 0, "active": 1, "inactive": 1, "closed": 1}
    # February's extract again changes nothing; January's after it is refused: its date is
    # before the records' last status change, and nothing is imported.
    rows_before = status_rows(db_path)
    again = session.import_file("job_seeker", write(tmp_path, "feb.csv", feb))
    assert again["committed"] and again["unchanged"] == 3 and again["updated"] == 0, again["problems"]
    assert status_rows(db_path) == rows_before
    before = digest(db_path)
    old = session.import_file("job_seeker", write(tmp_path, "jan.csv", jan))
    assert not old["committed"]
    assert [(p["row"], p["column"], p["rule"], p["message"]) for p in old["problems"] if not p["warning"]] == [
        (2, "status_date", "date_order",
         "status_date (2024-01-31) is before job_seeker 1's last status change (deactivate on 2024-02-20)"),
        (3, "status_date", "date_order",
         "status_date (2024-01-31) is before job_seeker 2's last status change (close on 2024-02-25)")]
    assert digest(db_path) == before
    # A closed record reaches no other state: no transition leads from closed (row 2).
    later = head + "S02,2024-01-10,Bo,Liburd,M,1985-03-03,active,2024-03-01,,\n"
    r = session.import_file("job_seeker", write(tmp_path, "mar.csv", later))
    assert not r["committed"]
    assert [(p["row"], p["column"], p["rule"]) for p in r["problems"] if not p["warning"]] == [(2, "status", "workflow")]
    assert digest(db_path) == before
