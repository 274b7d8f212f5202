"""A hostile user's imports (issue 14 review): lifecycle columns in odd case and in a declared
date layout, a lifecycle for a type without a workflow, refused rows that must leave nothing
(not a change number, not a registration number), existing records whose history differs or
that are archived, a user who may create but not transition, a UTF-8 file declared as
windows-1252, and a statistician's workbook with masked birth dates.

Expected values are worked by hand in the comments; every refusal is checked with
conftest.digest (DESIGN.md §5: the database is unchanged)."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import List, Tuple
from xml.etree import ElementTree as ET

import pytest

import clmis
from conftest import PASSWORD, digest, sql

HEAD = "external_id,registration_date,first_name,family_name,sex,date_of_birth"
LIFE = HEAD + ",active_on,inactive_on,closed_on,inactive_reason,outcome,closed_note\n"


def write(tmp_path: Path, name: str, data: "str | bytes") -> Path:
    p = tmp_path / name
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8")
    return p


def steps(session: clmis.Session, rid: int) -> List[Tuple[str, str, str]]:
    """The status history of a record: (event, to, effective date) after its creation."""
    return [(h["event"], h["to"], h["effective_date"].isoformat()) for h in session.history("job_seeker", rid)
            if h["field"] == "status"]


def test_lifecycle_headers_states_and_codes_in_any_case(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    # Form (a) with every header in another case and the codes in lower or upper case: the same
    # as the exact names. C1: registered 2024-01-15, activate 2024-02-01, close 2024-03-01 (placed).
    text_a = ("External_ID,Registration_Date,First_Name,Family_Name,SEX,Date_Of_Birth,Active_On,Closed_On,OUTCOME\n"
              "C1,2024-01-15,Ann,Hodge,f,1990-05-01,2024-02-01,2024-03-01,PLACED\n")
    r = session.import_file("job_seeker", write(tmp_path, "a.csv", text_a))
    assert r["committed"] and r["created"] == 1 and r["refused"] == 0, r["problems"]
    # Form (b) with STATUS / Status_Date and states in any case. C2: inactive on 2024-02-01 =
    # activate then deactivate that day (reason training); C3: Closed on 2024-04-01 = close.
    text_b = ("external_id,registration_date,first_name,family_name,sex,date_of_birth,STATUS,Status_Date,"
              "Inactive_Reason,Outcome\n"
              "C2,2024-01-15,Bo,Liburd,M,1991-05-01,Inactive,2024-02-01,TRAINING,\n"
              "C3,2024-01-20,Cy,Browne,M,1992-05-01,CLOSED,2024-04-01,,Withdrawn\n")
    r = session.import_file("job_seeker", write(tmp_path, "b.csv", text_b))
    assert r["committed"] and r["created"] == 2 and r["refused"] == 0, r["problems"]
    assert sql(db_path, "SELECT external_id, sex, status, outcome, inactive_reason FROM job_seeker ORDER BY id") == [
        ("C1", "F", "closed", "placed", None),
        ("C2", "M", "inactive", None, "training"),
        ("C3", "M", "closed", "withdrawn", None)]
    ids = dict(sql(db_path, "SELECT external_id, id FROM job_seeker"))
    assert steps(session, ids["C1"]) == [("initial", "registered", "2024-01-15"), ("activate", "active", "2024-02-01"),
                                         ("close", "closed", "2024-03-01")]
    assert steps(session, ids["C2"]) == [("initial", "registered", "2024-01-15"), ("activate", "active", "2024-02-01"),
                                         ("deactivate", "inactive", "2024-02-01")]
    assert steps(session, ids["C3"]) == [("initial", "registered", "2024-01-20"), ("close", "closed", "2024-04-01")]
    # Stocks on 2024-02-15: C1 active, C2 inactive, C3 registered; on 2024-03-31: C1 closed.
    assert session.status_counts("job_seeker", "2024-02-15")["counts"] == {
        "registered": 1, "active": 1, "inactive": 1, "closed": 0}
    assert session.status_counts("job_seeker", "2024-03-31")["counts"] == {
        "registered": 1, "active": 0, "inactive": 1, "closed": 1}


def test_lifecycle_dates_in_the_declared_layout(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    # D/M/YYYY: 1/2/2024 is 1 February, 3/4/2024 is 3 April (never 2 January / 4 March).
    text = LIFE + "D1,15/1/2024,Ann,Hodge,F,1/5/1990,1/2/2024,,3/4/2024,,placed,\n"
    r = session.import_file("job_seeker", write(tmp_path, "d.csv", text), date_format="D/M/YYYY")
    assert r["committed"] and r["created"] == 1, r["problems"]
    rid = sql(db_path, "SELECT id FROM job_seeker")[0][0]
    assert steps(session, rid) == [("initial", "registered", "2024-01-15"), ("activate", "active", "2024-02-01"),
                                   ("close", "closed", "2024-04-03")]
    # An ISO date in a file that declares D/M/YYYY is not a guess: the row is refused, naming
    # the column, and nothing is imported.
    before = digest(db_path)
    bad = LIFE + "D2,15/1/2024,Bo,Hodge,M,1/5/1991,2024-02-01,,,,,\n"
    r = session.import_file("job_seeker", write(tmp_path, "bad.csv", bad), date_format="D/M/YYYY")
    assert not r["committed"]
    assert [(p["row"], p["column"], p["rule"], p["message"]) for p in r["problems"] if not p["warning"]] == [
        (2, "active_on", "type", "not a date in the declared format D/M/YYYY")]
    assert digest(db_path) == before


@pytest.mark.parametrize("header,column", [
    ("name,isic_class,parish,closed_on", "closed_on"),
    ("name,isic_class,parish,Status_Date", "Status_Date"),
])
def test_a_lifecycle_for_a_type_without_a_workflow_is_an_unknown_column(session: clmis.Session, db_path: Path,
                                                                        tmp_path: Path, header: str,
                                                                        column: str) -> None:
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.import_file("employer", write(tmp_path, "e.csv", header + "\nSugar Bay Club,5510,KN-03,2024-01-01\n"))
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [(column, "unknown_field")]
    assert digest(db_path) == before


GOOD = ("L01,2024-01-15,Ann,Hodge,F,1990-05-01,2024-02-01,,,,,\n"
        "L02,2024-01-20,Bo,Liburd,M,1985-03-03,2024-01-20,,2024-06-30,,placed,hired at the port\n")
# Created, activated, then refused at its close (no outcome "hired"): nothing of it may remain.
BAD = "L09,2024-01-15,Cy,Browne,M,1999-12-31,2024-02-01,,2024-03-01,,hired,\n"


def stored(path: Path) -> Tuple[list, list, list, list]:
    """What the rows left, without the times (two databases written at different instants)."""
    return (sql(path, "SELECT id, registration_no, external_id, status, version FROM job_seeker ORDER BY id"),
            sql(path, "SELECT record_id, n, effective_day, status, event, seq, actor, detail FROM clmis_status__job_seeker "
                      "ORDER BY record_id, n"),
            sql(path, "SELECT seq, record_type, record_id, op FROM clmis_change ORDER BY seq"),
            sql(path, "SELECT * FROM clmis_sequence ORDER BY 1") + sql(path, "SELECT * FROM sqlite_sequence WHERE name = "
                                                                        "'clmis_change'"))


def test_a_refused_lifecycle_row_leaves_no_id_change_number_or_registration_number(tmp_path: Path) -> None:
    # on_error skip with the bad row first and again between the good ones must leave the same
    # ids (1, 2), registration numbers (JS-000001, JS-000002), change numbers (1 to 5: L01's
    # create and activate, L02's create, activate and close) and status rows as the good rows
    # imported alone into a fresh database.
    results = []
    for name, text, on_error in [("skip", LIFE + BAD + GOOD.splitlines(True)[0] + BAD.replace("L09", "L10") +
                                  GOOD.splitlines(True)[1], "skip"),
                                 ("clean", LIFE + GOOD, "abort")]:
        path = tmp_path / (name + ".clmis")
        db = clmis.create(path, country="KNA", admin_password=PASSWORD)
        s = db.login("admin", PASSWORD)
        r = s.import_file("job_seeker", write(tmp_path, name + ".csv", text), on_error=on_error)
        assert r["committed"] and r["created"] == 2, r["problems"]
        assert [a["action"] for a in s.audit_entries()] == ["init", "login", "import"]
        db.close()
        results.append(stored(path))
    assert results[0] == results[1]
    rows, status, changes, counters = results[0]
    assert counters == [("job_seeker.registration_no", 2), ("clmis_change", 5)]
    assert [(r[0], r[1], r[2]) for r in rows] == [(1, "JS-000001", "L01"), (2, "JS-000002", "L02")]
    assert [c[0] for c in changes] == [1, 2, 3, 4, 5]
    assert len(status) == 5  # L01: initial, activate; L02: initial, activate, close


def existing(session: clmis.Session) -> int:
    rid = session.create("job_seeker", {"external_id": "E1", "registration_date": "2024-01-15", "first_name": "Ann",
                                        "family_name": "Hodge", "sex": "F", "date_of_birth": "1990-05-01"})
    session.transition("job_seeker", rid, 1, "activate", effective_date="2024-03-01")
    return rid


def test_an_existing_record_whose_history_differs_is_refused(session: clmis.Session, db_path: Path,
                                                             tmp_path: Path) -> None:
    rid = existing(session)
    before = digest(db_path)
    # The register says activated on 2024-02-01; the database has it on 2024-03-01.
    row = LIFE + "E1,2024-01-15,Ann,Hodge,F,1990-05-01,2024-02-01,,,,,\n"
    r = session.import_file("job_seeker", write(tmp_path, "e.csv", row))
    assert not r["committed"]
    assert [(p["row"], p["column"], p["rule"], p["message"]) for p in r["problems"] if not p["warning"]] == [
        (2, "active_on", "workflow", f"job_seeker {rid} has the status history activate on 2024-03-01; the file "
                                     "gives activate on 2024-02-01, which does not continue it")]
    assert digest(db_path) == before
    # With skip, a changed first name on the same row is not kept either: the row leaves nothing.
    r = session.import_file("job_seeker", write(tmp_path, "e2.csv", row.replace(",Ann,", ",Anne,")), on_error="skip")
    assert r["committed"] and r["refused"] == 1 and r["updated"] == 0
    assert sql(db_path, "SELECT first_name, version, status FROM job_seeker") == [("Ann", 2, "active")]
    assert steps(session, rid) == [("initial", "registered", "2024-01-15"), ("activate", "active", "2024-03-01")]


def test_an_archived_existing_record_is_a_conflict(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    rid = session.create("job_seeker", {"external_id": "E2", "registration_date": "2024-01-15", "first_name": "Bo",
                                        "family_name": "Hodge", "sex": "M", "date_of_birth": "1991-05-01"})
    session.archive("job_seeker", rid, 1, "registered twice")
    before = digest(db_path)
    r = session.import_file("job_seeker", write(tmp_path, "a.csv", LIFE + "E2,2024-01-15,Bo,Hodge,M,1991-05-01,"
                                                                         "2024-02-01,,,,,\n"))
    assert not r["committed"]
    assert [(p["row"], p["rule"], p["message"]) for p in r["problems"] if not p["warning"]] == [
        (2, "conflict", f'job_seeker {rid} (external_id "E2") is archived')]
    assert digest(db_path) == before


def test_a_user_without_the_transition_permission_has_the_import_refused(db: clmis.Database, session: clmis.Session,
                                                                         db_path: Path, tmp_path: Path) -> None:
    # data_entry may create job seekers but take no transition: row 2 (no lifecycle) alone
    # would import; row 3's activate is refused, and with it the whole import, naming the row.
    session.user_create("clerk", password="data-entry-pw-1", roles=["data_entry"], section="employment_services",
                        must_change_password=False)
    clerk = db.login("clerk", "data-entry-pw-1")
    text = LIFE + "P1,2024-01-15,Cy,Hodge,M,1992-05-01,,,,,,\nP2,2024-01-15,Di,Hodge,F,1993-05-01,2024-02-01,,,,,\n"
    before = digest(db_path)
    for on_error in ("abort", "skip"):
        with pytest.raises(clmis.PermissionDenied) as e:
            clerk.import_file("job_seeker", write(tmp_path, "p.csv", text), on_error=on_error)
        assert str(e.value) == ("row 3: permission denied: job_seeker.transition:activate — no role of this user "
                                "grants transition:activate on job_seeker (section employment_services); nothing is "
                                "imported")
        assert digest(db_path) == before


@pytest.mark.parametrize("encoding,name", [("windows-1252", "windows-1252"), ("CP1252", "windows-1252"),
                                           ("latin-1", "latin-1")])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_utf8_file_with_its_byte_order_mark_is_not_read_as_another_encoding(session: clmis.Session, db_path: Path,
                                                                              tmp_path: Path, encoding: str, name: str,
                                                                              fmt: str) -> None:
    # EF BB BF read as windows-1252 or latin-1 is "ï»¿", and "Zoë" (C3 AB) would become "ZoÃ«":
    # the file is refused before any row is read, saying what it is.
    body = ("registration_date,first_name,family_name,sex,date_of_birth\n2024-01-15,Zoë,Hodge,F,1990-05-01\n"
            if fmt == "csv" else
            '{"registration_date": "2024-01-15", "first_name": "Zoë", "family_name": "Hodge", "sex": "F", '
            '"date_of_birth": "1990-05-01"}\n')
    path = write(tmp_path, "bom." + fmt, b"\xef\xbb\xbf" + body.encode("utf-8"))
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.import_file("job_seeker", path, encoding=encoding, format=fmt)
    message = (f"row 1: the file begins with a UTF-8 byte order mark, so it is UTF-8, not {name}: import it "
               "without --encoding (the import option encoding)")
    assert str(e.value) == message
    assert [(x["path"], x["value"], x["rule"]) for x in e.value.errors] == [("encoding", encoding, "type")]
    assert digest(db_path) == before
    # Without the option the same file imports, the name exactly as written (Z o C3 AB).
    if fmt == "csv":
        assert session.import_file("job_seeker", path)["created"] == 1
        assert sql(db_path, "SELECT hex(first_name) FROM job_seeker") == [("5A6FC3AB",)]


M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def cells(path: Path) -> dict:
    """The first sheet's cells by reference: (type attribute, value)."""
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    out = {}
    for c in root.iter(M + "c"):
        v = c.find(M + "v")
        t = c.find(f"{M}is/{M}t")
        out[c.get("r")] = (c.get("t"), v.text if v is not None else t.text)
    return out


def test_a_masked_birth_date_is_an_empty_cell_in_a_workbook(db: clmis.Database, session: clmis.Session,
                                                            tmp_path: Path) -> None:
    session.user_create("stat", password="statistics-pw-1", roles=["statistician"], must_change_password=False)
    for first, born in [("June", "2000-06-30"), ("Leap", "2000-02-29")]:
        session.create("job_seeker", {"registration_date": "2025-03-03", "first_name": first, "family_name": "Liburd",
                                      "sex": "F", "date_of_birth": born, "parish": "KN-03"})
    stat = db.login("stat", "statistics-pw-1")
    fields = ["id", "date_of_birth", "age_group"]
    masked = tmp_path / "stat.xlsx"
    assert stat.export_file("job_seeker", masked, format="xlsx", fields=fields, as_of="2024-12-31") == 2
    # Row 2 and 3: the id a number, no date_of_birth cell at all (B2, B3), the age group as text.
    # As of 2024-12-31 both are 24 (June: 2024-2000; Leap: 2024-2000, 29 February passed): 20-24.
    # As of 2025-07-01: June 25 (birthday 30 June passed), Leap 25: 25-29.
    c = cells(masked)
    assert {k: v for k, v in c.items() if k[1:] != "1"} == {
        "A2": (None, "1"), "C2": ("inlineStr", "20-24"), "A3": (None, "2"), "C3": ("inlineStr", "20-24")}
    later = tmp_path / "later.xlsx"
    stat.export_file("job_seeker", later, format="xlsx", fields=fields, as_of="2025-07-01")
    assert [cells(later)[k] for k in ("C2", "C3")] == [("inlineStr", "25-29"), ("inlineStr", "25-29")]
    # The administrator sees the dates, as Excel serial numbers: 2000-01-01 is 36526 (Excel counts
    # 1900-02-29), so 2000-06-30 is 36526 + 31 + 29 + 31 + 30 + 31 + 29 = 36707 and 2000-02-29 is
    # 36526 + 31 + 28 = 36585.
    full = tmp_path / "admin.xlsx"
    session.export_file("job_seeker", full, format="xlsx", fields=fields, as_of="2024-12-31")
    assert [cells(full)[k] for k in ("B2", "B3")] == [(None, "36707"), (None, "36585")]
