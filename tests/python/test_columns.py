"""Cursor.to_pandas() reads columns (Session.read_columns in C++): the frame must be the one a
row-by-row reference builds from the cursor's records — same columns in the same order, same
dtypes, same values (decimals and money to the digit) — on data with nulls, every field type,
codes (one outside its list), archived records, filters, sorts and masking.

The reference (`reference_frame`) is written here from docs/python.md's table and uses the
records the cursor returns one by one (Session.query's JSON path), not clmis._pandas."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import clmis
from conftest import PASSWORD, digest, sql

pd = pytest.importorskip("pandas")


def reference_frame(session: clmis.Session, type_name: str, columns: Optional[List[str]] = None,
                    dates: str = "datetime64", codes: str = "category", **query: Any) -> Any:
    """The frame built record by record: the cursor's records, one dtype per field type."""
    cursor = session.query(type_name, page_size=7, **query)
    spec = cursor.columns
    if columns is not None:
        by_name = {c[0]: c for c in spec}
        spec = [by_name[c] for c in columns]
    records = list(cursor)
    data: Dict[str, Any] = {}
    for name, kind, code_list in spec:
        values = [r[name] for r in records]
        if kind in ("integer", "reference"):
            col = pd.array(values, dtype="Int64")
        elif kind == "text":
            col = pd.array([v if v is None or isinstance(v, str) else v.isoformat() for v in values], dtype="string")
        elif kind == "boolean":
            col = pd.array(values, dtype="boolean")
        elif kind == "date":
            col = pd.Series(values, dtype=object if dates == "object" else "datetime64[ns]")
        elif kind == "datetime":
            col = pd.Series(values, dtype="datetime64[ns, UTC]")
        elif kind == "age_group":  # every group, in order, used or not
            if codes == "string":
                col = pd.array(values, dtype="string")
            else:
                col = pd.Categorical(values, categories=list(clmis.AGE_GROUPS), ordered=True)
        elif kind == "code":
            if codes == "string":
                col = pd.array(values, dtype="string")
            else:
                declared = [c["code"] for c in session.database.codes(code_list)]
                extra = [v for v in dict.fromkeys(values) if v is not None and v not in declared]
                col = pd.Categorical(values, categories=declared + extra)
        else:
            col = pd.Series(values, dtype=object)
        data[name] = col
    return pd.DataFrame(data, columns=[c[0] for c in spec])


def assert_same(got: Any, want: Any) -> None:
    assert list(got.columns) == list(want.columns)
    assert {c: str(t) for c, t in got.dtypes.items()} == {c: str(t) for c, t in want.dtypes.items()}
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for name in got.columns:
        if str(got[name].dtype) == "category":
            assert list(got[name].cat.categories) == list(want[name].cat.categories)
        if str(got[name].dtype) == "object":  # Decimal("1.10") == Decimal("1.1"): compare the digits
            assert [repr(v) for v in got[name]] == [repr(v) for v in want[name]], name


@pytest.fixture
def samples(typed: clmis.Session, typed_path: Path) -> List[int]:
    owner = typed.create("owner", {"name": "Co-op"})
    rows = [
        {"title": "full", "count": 7, "ratio": Decimal("0.125"), "pay": clmis.Money(Decimal("99.95"), "XCD"),
         "day": dt.date(2025, 2, 28), "at": dt.datetime(2025, 2, 28, 23, 30, tzinfo=dt.timezone.utc),
         "flag": False, "kind": "c", "parish": "P2", "owner": owner,
         "items": [{"label": "one", "price": Decimal("1.10"), "cost": clmis.Money(Decimal("5"), "USD"),
                    "on": dt.date(2024, 1, 1)}, {"label": "two"}]},
        {"title": "empty"},
        {"title": "old", "count": 0, "ratio": Decimal("-12.500"), "pay": clmis.Money(Decimal("-0.05"), "USD"),
         "day": dt.date(1950, 6, 1), "at": dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc),
         "flag": True, "kind": "b"},
        {"title": "yen", "pay": clmis.Money(Decimal("1250"), "JPY"), "kind": "a", "day": dt.date(2262, 4, 11)},
        {"title": "archived", "count": 3, "kind": "b", "flag": True},
        {"title": "odd code", "count": 5, "kind": "a"},
    ]
    ids = [typed.create("sample", r) for r in rows]
    archived = typed.get("sample", ids[4])
    typed.archive("sample", ids[4], archived["version"], "a test")
    # A code its list does not have (stored before a change of the list): must stay a value.
    con = sqlite3.connect(typed_path)
    con.execute("UPDATE sample SET kind = 'zz' WHERE id = ?", (ids[5],))
    con.commit()
    con.close()
    return ids


QUERIES: List[Dict[str, Any]] = [
    {},
    {"include_archived": True},
    {"sort": "-day"},
    {"sort": ["kind", "-count"], "include_archived": True},
    {"filter": [("count", "ge", 1)]},
    {"filter": {"kind": ["a", "b", "zz"]}, "sort": "title"},
    {"filter": {"title": "nothing like this"}},
    {"limit": 3, "sort": "-id"},
    {"limit": 0},
]


@pytest.mark.parametrize("query", QUERIES, ids=[str(q) for q in QUERIES])
def test_columns_match_the_row_path(typed: clmis.Session, samples: List[int], query: Dict[str, Any]) -> None:
    want = reference_frame(typed, "sample", **query)
    got = typed.query("sample", **query).to_pandas()
    assert_same(got, want)


def test_the_options_match_the_row_path(typed: clmis.Session, samples: List[int]) -> None:
    for dates, codes in (("object", "string"), ("object", "category"), ("datetime64", "string")):
        want = reference_frame(typed, "sample", dates=dates, codes=codes, include_archived=True)
        got = typed.query("sample", include_archived=True).to_pandas(dates=dates, codes=codes)
        assert_same(got, want)


def test_the_values_by_hand(typed: clmis.Session, samples: List[int]) -> None:
    df = typed.query("sample", sort="id").to_pandas()
    assert df["title"].tolist() == ["full", "empty", "old", "yen", "odd code"]  # archived left out
    # 1950-06-01 is 7154 days before 1970-01-01 (20 years * 365 + 5 leap days - 151 days of
    # January to May 1950 = 7305 - 151): negative day numbers come out as dates.
    assert df["day"].iloc[2] == pd.Timestamp(1950, 6, 1)
    assert df["at"].iloc[2] == pd.Timestamp("1969-12-31T23:59:59Z")  # one second before the epoch
    assert df["day"].iloc[3] == pd.Timestamp(2262, 4, 11)  # the last day datetime64[ns] holds
    assert repr(df["ratio"].iloc[2]) == "Decimal('-12.500')"  # scale 3 kept
    assert df["pay"].iloc[3] == clmis.Money(Decimal("1250"), "JPY") and repr(df["pay"].iloc[3].amount) == "Decimal('1250')"
    assert repr(df["pay"].iloc[2].amount) == "Decimal('-0.05')"
    # The code list's codes in declared order (b, a, c), then the stored value it lacks.
    assert list(df["kind"].cat.categories) == ["b", "a", "c", "zz"]
    assert df["kind"].tolist()[4] == "zz"
    assert df["items"].iloc[0][0] == {"label": "one", "price": Decimal("1.10"),
                                      "cost": clmis.Money(Decimal("5.00"), "USD"), "on": dt.date(2024, 1, 1)}
    assert df["items"].iloc[1] == []


def test_columns_select_fields_in_the_order_given(typed: clmis.Session, samples: List[int]) -> None:
    got = typed.query("sample", include_archived=True).to_pandas(columns=["kind", "id", "pay", "created_by", "day"])
    assert list(got.columns) == ["kind", "id", "pay", "created_by", "day"]  # no section unless asked
    want = reference_frame(typed, "sample", columns=["kind", "id", "pay", "created_by", "day"], include_archived=True)
    assert_same(got, want)
    assert got["created_by"].tolist() == ["admin"] * 6
    with_items = typed.query("sample").to_pandas(columns=["items"])
    assert list(with_items.columns) == ["items"] and len(with_items) == 5
    assert_same(with_items, reference_frame(typed, "sample", columns=["items"]))


def test_bad_columns_raise_and_change_nothing(typed: clmis.Session, samples: List[int], typed_path: Path) -> None:
    before = digest(typed_path)
    with pytest.raises(clmis.ValidationError) as e:
        typed.query("sample").to_pandas(columns=["id", "no_such_field"])
    assert "no_such_field" in str(e.value)
    assert e.value.errors[0]["path"] == "fields[1]" and e.value.errors[0]["rule"] == "query"
    with pytest.raises(clmis.ValidationError) as e:
        typed.query("sample").to_pandas(columns=["id", "id"])
    assert "twice" in str(e.value)
    with pytest.raises(clmis.ValidationError):
        typed.query("sample").to_pandas(columns=[])
    with pytest.raises(TypeError):
        typed.query("sample").to_pandas(columns="id")  # type: ignore[arg-type]
    # Stopped inside a page, the names are checked all the same.
    c = typed.query("sample", page_size=2)
    next(c)
    with pytest.raises(clmis.ValidationError):
        c.to_pandas(columns=["nope"])
    assert digest(typed_path) == before


def test_a_cursor_part_read_gives_the_rest(typed: clmis.Session) -> None:
    made = typed.batch(lambda: [typed.create("sample", {"title": f"t{i}", "count": i}) for i in range(23)])
    for taken in (0, 3, 5, 10, 23):  # 0: before any; 5, 10: at a page's end; 3: inside a page
        c = typed.query("sample", page_size=5)
        head = [next(c)["id"] for _ in range(taken)]
        df = c.to_pandas(columns=["id", "count"])
        assert head + df["id"].tolist() == made, taken
        assert list(df.columns) == ["id", "count"]
        assert len(list(c)) == 0  # consumed
    c = typed.query("sample", limit=12, page_size=5)
    head = [next(c)["id"] for _ in range(5)]
    assert head + c.to_pandas()["id"].tolist() == made[:12]


def job_seeker(n: int, born: str) -> Dict[str, Any]:
    return {"registration_date": "2025-03-03", "first_name": f"Keisha{n}", "family_name": "Liburd",
            "nis_number": str(600000 + n), "sex": "F" if n % 2 else "M", "date_of_birth": born,
            "parish": "KN-03", "wage_expectation": {"amount": f"{1000 + n}.50", "currency": "XCD"},
            "skills": [{"kind": "skill", "name": f"skill {n}"}] if n % 3 == 0 else []}


@pytest.fixture
def masking(tmp_path: Path) -> Any:
    """Job seekers entered by the administrator and by a clerk who may read all records but the
    personal data of their own only (data entry + statistician): a frame with masked rows."""
    db = clmis.create(tmp_path / "std.db", country="KNA", admin_password=PASSWORD)
    admin = db.login("admin", PASSWORD)
    admin.user_create("clerk", password="clerk-password-1", roles=["data_entry", "statistician"],
                      section="employment_services", must_change_password=False)
    admin.user_create("stat", password="statistics-pw-1", roles=["statistician"], must_change_password=False)
    clerk = db.login("clerk", "clerk-password-1")
    for n in range(6):
        (clerk if n % 2 else admin).create("job_seeker", job_seeker(n, f"19{80 + n}-0{1 + n}-1{n}"))
    last = admin.create("job_seeker", job_seeker(99, "1999-09-09"))
    # A record without a birth date (stored before the field was required): nothing to mask.
    con = sqlite3.connect(tmp_path / "std.db")
    con.execute("UPDATE job_seeker SET date_of_birth = NULL WHERE id = ?", (last,))
    con.commit()
    con.close()
    yield db, admin, clerk, db.login("stat", "statistics-pw-1")
    db.close()


def test_masking_matches_the_row_path(masking: Any) -> None:
    db, admin, clerk, stat = masking
    for who in (admin, clerk, stat):
        for query in ({}, {"sort": ["-parish", "registration_date"]}, {"filter": {"sex": "F"}}):
            assert_same(who.query("job_seeker", **query).to_pandas(), reference_frame(who, "job_seeker", **query))
    mixed = clerk.query("job_seeker", sort="id").to_pandas()
    # The clerk's own records (odd n) show their birth dates; the others NaT: still dates.
    assert str(mixed["date_of_birth"].dtype) == "datetime64[ns]"
    assert mixed["date_of_birth"].iloc[1] == pd.Timestamp("1981-02-11") and pd.isna(mixed["date_of_birth"].iloc[0])
    assert mixed["date_of_birth"].isna().tolist() == [True, False, True, False, True, False, True]
    assert mixed["first_name"].isna().tolist() == [True, False, True, False, True, False, True]
    # Every record's age group, masked or not; none for the record without a birth date.
    assert str(mixed["age_group"].dtype) == "category" and mixed["age_group"].cat.ordered
    assert list(mixed["age_group"].cat.categories) == list(clmis.AGE_GROUPS)
    assert mixed["age_group"].notna().tolist() == [True] * 6 + [False]
    assert_same(clerk.query("job_seeker").to_pandas(columns=["id", "skills", "nis_number"]),
                reference_frame(clerk, "job_seeker", columns=["id", "skills", "nis_number"]))
    # The administrator sees dates.
    assert str(admin.query("job_seeker").to_pandas()["date_of_birth"].dtype) == "datetime64[ns]"
    # A masked column left out changes nothing of the rest.
    assert str(stat.query("job_seeker").to_pandas(columns=["id", "registration_date"])["registration_date"].dtype) == "datetime64[ns]"


def test_masked_section_fields_match_the_row_path(masking: Any) -> None:
    db, admin, clerk, stat = masking
    admin.create("employer", {"name": "Frigate Bay Resorts Ltd", "parish": "KN-03",
                              "contacts": [{"name": "Maria Liburd", "position": "HR manager", "telephone": "869-465-1234"}]})
    clerk.create("employer", {"name": "Sugar Bay Club", "contacts": [{"name": "A", "position": "owner"}]})
    for who in (admin, clerk, stat):
        assert_same(who.query("employer", sort="id").to_pandas(), reference_frame(who, "employer", sort="id"))
    contacts = clerk.query("employer", sort="id").to_pandas(columns=["contacts"])["contacts"]
    assert contacts.iloc[0] == [{"name": None, "position": "HR manager", "telephone": None, "email": None}]
    assert contacts.iloc[1] == [{"name": "A", "position": "owner", "telephone": None, "email": None}]


def test_export_file_takes_fields(typed: clmis.Session, samples: List[int], tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    assert typed.export_file("sample", out, fields=["title", "pay", "id"]) == 5
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "title,pay,pay_currency,id"  # money: amount and currency
    assert lines[1] == f"full,99.95,XCD,{samples[0]}"
    with pytest.raises(clmis.ValidationError):
        typed.export_file("sample", tmp_path / "bad.csv", fields=["title", "items"])  # a section in CSV
    assert not (tmp_path / "bad.csv").exists()
