"""Survey and partner data through Python (issue 17): the hand-written ILOSTAT file of KNA
imported from a path and from bytes, values as decimal.Decimal (never float), checked with exact
fractions against the file read by the csv module; revisions; a partner agency's reach; refusals
with nothing changed (conftest.digest)."""
import csv
import io
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import clmis
from conftest import HERE, digest, sql

FIXTURE = HERE.parent / "fixtures" / "series" / "kna_ilostat.csv"


def expected_cells():
    """The fixture read with the csv module: (indicator, sex, age, year) → the number of persons,
    as an exact Fraction (ILOSTAT's levels of persons are in thousands)."""
    sex = {"SEX_T": "_T", "SEX_M": "M", "SEX_F": "F"}
    age = {"AGE_YTHADULT_YGE15": "Y_GE15", "AGE_YTHADULT_Y15-24": "Y15T24"}
    with FIXTURE.open(newline="", encoding="utf-8") as f:
        return {(r["indicator"], sex[r["sex"]], age[r["classif1"]], r["time"]): Fraction(r["obs_value"]) * 1000
                for r in csv.DictReader(f)}


def persons(row) -> Fraction:
    """A row's value in persons: value × 10^unit_mult, exactly."""
    return Fraction(row["value"]) * 10 ** row["unit_mult"]


def test_an_ilostat_file_imported_from_a_path_with_exact_values(session: clmis.Session, db_path: Path) -> None:
    r = session.series_import(FIXTURE, format="ilostat", agency="NSO")
    assert (r["batch"], r["observations"], r["added"], r["revised"], r["unchanged"]) == (1, 24, 24, 0, 0)
    rows = session.series()
    assert len(rows) == 24
    assert all(isinstance(x["value"], Decimal) for x in rows)
    cells = {(x["indicator"], x["sex"], x["age"], x["period"]): x for x in rows}
    expected = expected_cells()
    assert set(cells) == set(expected)
    for key, value in expected.items():
        assert persons(cells[key]) == value, key
    # 37.512 thousand people of working age in 2023: 37 512, exactly; 18.390 keeps its decimals.
    assert persons(cells[("POP_XWAP_SEX_AGE_NB", "_T", "Y_GE15", "2023")]) == 37512
    assert str(cells[("POP_XWAP_SEX_AGE_NB", "M", "Y_GE15", "2024")]["value"]) == "18.390"
    # Men and women add up to the total in every cell, in exact arithmetic.
    for (ind, sex, age, year), row in cells.items():
        if sex == "_T":
            assert persons(cells[(ind, "M", age, year)]) + persons(cells[(ind, "F", age, year)]) == persons(row)
    # The unemployed 15+ per person of working age, 2023: 1874 / 37512 = 937 / 18756, from the file.
    u = persons(cells[("UNE_TUNE_SEX_AGE_NB", "_T", "Y_GE15", "2023")])
    wap = persons(cells[("POP_XWAP_SEX_AGE_NB", "_T", "Y_GE15", "2023")])
    assert u / wap == Fraction(937, 18756)
    # The file's name and hash are kept with the batch (read with the sqlite3 module).
    assert sql(db_path, "SELECT name, format, agency FROM clmis_series_batch") == [("kna_ilostat.csv", "ilostat", "NSO")]


def test_bytes_revisions_and_an_unchanged_reimport(session: clmis.Session, db_path: Path) -> None:
    data = FIXTURE.read_bytes()
    session.series_import(data, format="ilostat", agency="NSO", name="lfs.csv")
    before = digest(db_path)
    again = session.series_import(bytearray(data), format="ilostat", agency="NSO")
    assert again["batch"] is None and again["unchanged"] == 24
    assert digest(db_path) == before
    revised = data.replace(b"SEX_T,AGE_YTHADULT_YGE15,,2024,1.802,P", b"SEX_T,AGE_YTHADULT_YGE15,,2024,1.815,A")
    r = session.series_import(memoryview(revised), format="ilostat", agency="NSO")
    assert (r["batch"], r["revised"], r["unchanged"]) == (2, 1, 23)
    history = [x for x in session.series(indicator="UNE_TUNE_SEX_AGE_NB", start="2024", end="2024", revisions=True)
               if x["sex"] == "_T" and x["age"] == "Y_GE15"]
    assert [(x["value"], x["status"], x["revision"]) for x in history] == [
        (Decimal("1.802"), "P", 1), (Decimal("1.815"), "A", 2)]
    latest = session.series(indicator="UNE_TUNE_SEX_AGE_NB", start="2024")
    assert len(latest) == 6
    assert {x["value"] for x in latest if x["sex"] == "_T" and x["age"] == "Y_GE15"} == {Decimal("1.815")}


def test_a_plain_csv_with_sample_size_and_cv(session: clmis.Session) -> None:
    text = ("indicator,period,sex,geo,value,status,sample_size,cv\n"
            "REG_JS,2024-Q2,F,KN-03,125,E,312,12.50\n")
    session.series_import(text.encode(), format="csv", agency="DOL", source="registry")
    (row,) = session.series(agency="DOL")
    assert (row["value"], row["cv"], row["sample_size"], row["period"], row["freq"]) == (
        Decimal("125"), Decimal("12.50"), 312, "2024-Q2", "Q")
    assert row["unit_mult"] == 0 and row["age"] == "_Z"


def test_refusals_name_line_and_column_and_change_nothing(session: clmis.Session, db_path: Path) -> None:
    session.series_import(FIXTURE, format="ilostat", agency="NSO")
    before = digest(db_path)
    head = FIXTURE.read_text(encoding="utf-8").splitlines()[0] + "\n"
    cases = [
        (head + "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024M13,0.5,,,,\n",
         [("line 2, column 7 (time)", "period")]),
        (head + "KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024Q5,0.5,,,,\n",
         [("line 2, column 7 (time)", "period")]),
        (head + "TTO,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024,0.5,,,,\n",
         [("line 2, column 1 (ref_area)", "country")]),
        (head + 'KNA,BA:3121,UNE_TUNE_SEX_AGE_NB,SEX_T,AGE_YTHADULT_YGE15,,2024,"0.5,,,,\n',
         [("line 2, column 8", "csv")]),
    ]
    for text, errors in cases:
        with pytest.raises(clmis.ValidationError) as e:
            session.series_import(text.encode(), format="ilostat", agency="NSO")
        assert [(x["path"], x["rule"]) for x in e.value.errors] == errors
    with pytest.raises(clmis.ValidationError) as e:
        session.series_import(b"indicator,period,value,source\nX,2024-02-30,1,s\n", format="csv", agency="NSO")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("line 2, column 2 (period)", "period")]
    with pytest.raises(TypeError):
        session.series_import(12, format="csv", agency="NSO")  # type: ignore[arg-type]
    assert digest(db_path) == before


def test_a_partner_agency_reaches_its_own_series_only(db: clmis.Database, session: clmis.Session,
                                                       db_path: Path) -> None:
    session.user_create("nis", password="national-insurance-1", roles=["partner_agency"], agency="NIS",
                        must_change_password=False)
    nis = db.login("nis", "national-insurance-1")
    session.series_import(FIXTURE, format="ilostat", agency="NSO")
    r = nis.series_import(b"indicator,period,value\nINSURED,2024-12,21034\n", format="csv", source="register")
    assert r["agency"] == "NIS"
    assert [x["indicator"] for x in nis.series()] == ["INSURED"]
    before = digest(db_path)
    with pytest.raises(clmis.PermissionDenied):
        nis.series(agency="NSO")
    with pytest.raises(clmis.PermissionDenied):
        nis.series_import(FIXTURE, format="ilostat", agency="NSO")
    with pytest.raises(clmis.PermissionDenied):
        nis.query("employer")
    assert digest(db_path) == before
    assert {u["name"]: u["agency"] for u in session.users()} == {"admin": None, "nis": "NIS"}
