"""Import and export through Python: hostile CSV files give the documented outcome — imported
verbatim, or refused with the row and column named and the database unchanged (conftest.digest,
computed through the sqlite3 module)."""
from pathlib import Path
from typing import List, Tuple

import pytest

import clmis
from conftest import digest, sql

HEADER = "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def errors(report: dict) -> List[Tuple[int, str, str]]:
    return [(p["row"], p["column"], p["rule"]) for p in report["problems"] if not p["warning"]]


def test_a_good_file_is_imported_verbatim(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    data = ("\ufeff" + HEADER.replace("\n", "\r\n")
            + '2025-03-03,"Keisha ""Kay""",Liburd,1846398,F,1999-07-14,KN-03\r\n'
            + '2025-03-04,"Browne, Jr.","Two\nLines",2200456,M,2000-01-01,KN-01\r\n').encode()
    report = session.import_file("job_seeker", write(tmp_path, "good.csv", data))
    assert report["committed"] and report["created"] == 2 and report["refused"] == 0
    assert sql(db_path, "SELECT first_name, family_name FROM job_seeker ORDER BY id") == [
        ('Keisha "Kay"', "Liburd"), ("Browne, Jr.", "Two\nLines")]
    import hashlib
    assert report["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name,data,expected", [
    ("latin1", (HEADER + "2025-03-03,Jos\xe9,Bell,1,M,1990-01-01,KN-03\n").encode("latin-1"),
     [(2, "first_name", "type")]),
    ("legacy date", (HEADER + "6/12/2013,Ann,Hodge,2,F,1990-01-01,KN-03\n").encode(),
     [(2, "registration_date", "type")]),
    ("foreign parish and bad sex", (HEADER + "2025-03-03,Ann,Hodge,3,X,1990-01-01,LC-01\n").encode(),
     [(2, "sex", "code_list"), (2, "parish", "code_list")]),
    ("under age", (HEADER + "2025-03-03,Ann,Hodge,4,F,2015-01-01,KN-03\n").encode(),
     [(2, "date_of_birth", "min_age_at")]),
    ("duplicate key in the file", (HEADER + "2025-03-03,A,B,5,F,1990-01-01,KN-03\n"
                                   "2025-03-03,C,D,5,M,1991-01-01,KN-03\n").encode(),
     [(3, "nis_number", "duplicate_in_file")]),
    ("ragged row", (HEADER + "2025-03-03,A,B,6,F\n").encode(), [(2, "", "csv")]),
    ("NUL byte", (HEADER + "2025-03-03,A\0,B,7,F,1990-01-01,KN-03\n").encode(), [(2, "", "csv")]),
])
def test_hostile_rows_are_refused_and_nothing_changes(session: clmis.Session, db_path: Path, tmp_path: Path,
                                                      name: str, data: bytes,
                                                      expected: List[Tuple[int, str, str]]) -> None:
    before = digest(db_path)
    report = session.import_file("job_seeker", write(tmp_path, "bad.csv", data))
    assert not report["committed"]
    assert errors(report) == expected
    assert digest(db_path) == before


def test_header_problems_raise(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.import_file("job_seeker", write(tmp_path, "h.csv", b"first_name,shoe_size\nA,42\n"))
    assert ("shoe_size", "unknown_field") in [(x["path"], x["rule"]) for x in e.value.errors]
    with pytest.raises(clmis.ValidationError):
        session.import_file("job_seeker", write(tmp_path, "u16.csv", "\ufeffa,b\n".encode("utf-16")))
    assert digest(db_path) == before


def test_skip_imports_the_good_rows_and_legacy_dates_need_their_layout(session: clmis.Session, db_path: Path,
                                                                      tmp_path: Path) -> None:
    data = (HEADER + "6/12/2013,Ann,Hodge,11,F,14/7/1990,KN-03\n13/13/2013,Bo,Hodge,12,M,1/1/1990,KN-03\n").encode()
    report = session.import_file("job_seeker", write(tmp_path, "l.csv", data), date_format="D/M/YYYY",
                                 on_error="skip")
    assert report["committed"] and report["created"] == 1 and errors(report) == [(3, "registration_date", "type")]
    # 6/12/2013 read as 6 December 2013 (D/M/YYYY), 14/7/1990 as 14 July.
    assert sql(db_path, "SELECT registration_date, date_of_birth FROM clmis_view_job_seeker") == [("2013-12-06", "1990-07-14")]


def test_a_quoting_error_stops_the_import_even_with_skip(session: clmis.Session, db_path: Path,
                                                          tmp_path: Path) -> None:
    # Row 3 has text after a closing quote: the reading stops there, so row 4 is never read and
    # nothing is imported (with skip, row 2 alone would have gone in and row 4 been lost unseen).
    data = (HEADER + "2025-03-03,Good,Before,21,F,1990-01-01,KN-03\n"
            + '2025-03-03,"Ida ""K"x,Bell,22,F,1990-01-01,KN-03\n'
            + "2025-03-04,Good,After,23,M,1990-01-01,KN-01\n").encode()
    before = digest(db_path)
    report = session.import_file("job_seeker", write(tmp_path, "q.csv", data), on_error="skip")
    assert (report["committed"], report["stopped"], report["rows"], report["refused"], report["created"]) == (
        False, True, 2, 1, 1)  # row 2 passed; not committed, so nothing is written
    assert errors(report) == [(3, "", "csv")]
    assert digest(db_path) == before
    good = session.import_file("job_seeker", write(tmp_path, "g.csv", (HEADER + "2025-03-03,A,B,24,F,1990-01-01,KN-03\n").encode()))
    assert (good["committed"], good["stopped"]) == (True, False)


def test_export_neutralises_formulas(session: clmis.Session, tmp_path: Path) -> None:
    session.import_file("job_seeker", write(tmp_path, "f.csv", (HEADER + '2025-03-03,=1+2,@SUM,21,F,1990-01-01,KN-03\n').encode()))
    assert session.get("job_seeker", 1)["first_name"] == "=1+2"
    out = tmp_path / "out.csv"
    assert session.export_file("job_seeker", out) == 1
    text = out.read_text(encoding="utf-8")
    assert ",'=1+2,'@SUM," in text
    with pytest.raises(ValueError):
        session.import_file("job_seeker", out, on_error="ignore")


def test_encoding_windows_1252_reads_accented_names(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    # Bytes written by hand in windows-1252: é E9, ë EB, Ñ D1, ú FA, € 80.
    data = HEADER.encode() + b"2025-03-03,M\xe9rida,Zo\xeb,31,F,1990-01-01,KN-03\n2025-03-03,\xd1and\xfa,\x80,32,M,1990-01-01,kn-01\n"
    path = write(tmp_path, "cp1252.csv", data)
    before = digest(db_path)
    refused = session.import_file("job_seeker", path)
    assert not refused["committed"]
    assert "--encoding windows-1252" in refused["problems"][0]["message"]
    assert digest(db_path) == before
    report = session.import_file("job_seeker", path, encoding="Windows-1252")
    assert report["committed"] and report["created"] == 2
    import hashlib
    assert report["sha256"] == hashlib.sha256(data).hexdigest()
    assert sql(db_path, "SELECT first_name, family_name, parish FROM job_seeker ORDER BY id") == [
        ("M\u00e9rida", "Zo\u00eb", "KN-03"), ("\u00d1and\u00fa", "\u20ac", "KN-01")]


def test_encoding_refusals_change_nothing(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    before = digest(db_path)
    path = write(tmp_path, "u.csv", HEADER.encode() + b"2025-03-03,Ok,A,41,F,1990-01-01,KN-03\n2025-03-03,A\x9dn,B,42,F,1990-01-01,KN-03\n")
    with pytest.raises(clmis.ValidationError) as e:
        session.import_file("job_seeker", path, encoding="latin-9")
    assert "unknown encoding" in str(e.value)
    assert e.value.errors[0]["path"] == "encoding"
    report = session.import_file("job_seeker", path, encoding="cp1252")
    assert not report["committed"]
    assert [(p["row"], p["column"], p["message"]) for p in report["problems"]] == [
        (3, "first_name", "byte 0x9D is not a character in windows-1252")]
    assert digest(db_path) == before


def test_header_and_codes_ignore_case_unless_ambiguous(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    data = ("Registration_Date,First_Name,Family_Name,NIS_Number,SEX,Date_Of_Birth,Parish\n"
            "2025-03-03,Ann,Lee,51,f,1990-01-01,kn-03\n").encode()
    assert session.import_file("job_seeker", write(tmp_path, "c.csv", data))["committed"]
    assert sql(db_path, "SELECT sex, parish FROM clmis_view_job_seeker") == [("F", "KN-03")]
    session.code_add("parish", {"code": "xy-1", "label": {"en": "lower"}})
    session.code_add("parish", {"code": "XY-1", "label": {"en": "upper"}})
    before = digest(db_path)
    report = session.import_file("job_seeker", write(tmp_path, "a.csv", (HEADER + "2025-03-03,Bo,Lee,52,M,1990-01-01,Xy-1\n").encode()))
    assert not report["committed"]
    assert errors(report) == [(2, "parish", "code_list")]
    assert "could be XY-1 or xy-1" in report["problems"][0]["message"]
    assert digest(db_path) == before


def test_malformed_json_lines_say_where_without_parser_internals(session: clmis.Session, db_path: Path,
                                                                 tmp_path: Path) -> None:
    before = digest(db_path)
    report = session.import_file("job_seeker", write(tmp_path, "bad.jsonl", b'{"first_name": x}\n'))
    message = report["problems"][0]["message"]
    assert "json.exception" not in message and "syntax error" not in message
    assert message == "the line is not one JSON object: at column 16: invalid literal (byte 16)"
    assert digest(db_path) == before
