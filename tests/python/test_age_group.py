"""Masking keeps types (issue 14): a masked birth date is None (NaT in a DataFrame, the column
stays datetime64[ns]), and every job seeker has "age_group", the five-year group of the birth
date at the query's as_of (default today), an ordered category in pandas. Expected groups are
worked by hand: age = as_of's year - birth year, one less while as_of's (month, day) is before
the birth's."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict

import pytest

import clmis
from conftest import PASSWORD, digest

pd = pytest.importorskip("pandas")

GROUPS = ("under 15", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
          "60-64", "65+")


def person(first: str, born: str) -> Dict[str, Any]:
    return {"registration_date": "2025-03-03", "first_name": first, "family_name": "Liburd", "sex": "F",
            "date_of_birth": born, "parish": "KN-03"}


@pytest.fixture
def people(db: clmis.Database, session: clmis.Session) -> Any:
    session.user_create("stat", password="statistics-pw-1", roles=["statistician"], must_change_password=False)
    ids = {first: session.create("job_seeker", person(first, born)) for first, born in [
        ("June", "2000-06-30"), ("January", "2000-01-01"), ("July", "2000-07-01"), ("Leap", "2000-02-29")]}
    return db.login("stat", "statistics-pw-1"), ids


def groups(s: clmis.Session, ids: Dict[str, int], as_of: Any) -> Dict[str, Any]:
    by_id = {r["id"]: r["age_group"] for r in s.query("job_seeker", as_of=as_of)}
    return {first: by_id[i] for first, i in ids.items()}


def test_age_groups_constant() -> None:
    assert clmis.AGE_GROUPS == GROUPS


def test_a_statisticians_query_as_of(people: Any, session: clmis.Session) -> None:
    stat, ids = people
    # as_of 2024-12-31: June and January 24 → 20-24. as_of 2025-07-01: both 25 → 25-29.
    for s in (stat, session):
        assert groups(s, ids, "2024-12-31")["June"] == "20-24"
        assert groups(s, ids, dt.date(2024, 12, 31))["January"] == "20-24"
        assert groups(s, ids, "2025-07-01")["June"] == "25-29"
        assert groups(s, ids, dt.date(2025, 7, 1))["January"] == "25-29"
    rec = next(r for r in stat.query("job_seeker", as_of="2024-12-31") if r["id"] == ids["June"])
    assert rec["date_of_birth"] is None and "date_of_birth" in rec["masked"]
    keys = list(rec)
    assert keys[keys.index("date_of_birth") + 1] == "age_group"
    # get: today's group, the same for both readers; the administrator has the date.
    assert stat.get("job_seeker", ids["June"])["date_of_birth"] is None
    assert stat.get("job_seeker", ids["June"])["age_group"] == session.get("job_seeker", ids["June"])["age_group"]
    assert session.get("job_seeker", ids["June"])["date_of_birth"] == dt.date(2000, 6, 30)


@pytest.mark.parametrize("as_of,july,leap", [
    ("2025-06-30", "20-24", "25-29"),  # the day before July's 25th birthday: 24; Leap 25 since 1 March
    ("2025-07-01", "25-29", "25-29"),  # the birthday: 25
    ("2025-02-28", "20-24", "20-24"),  # no 29 February in 2025: Leap still 24 (28 < 29)
    ("2025-03-01", "20-24", "25-29"),  # Leap 25 on 1 March
    ("2020-02-28", "15-19", "15-19"),  # 19 and 19
    ("2020-02-29", "15-19", "20-24"),  # a leap year: Leap 20 on the day
    ("2015-06-30", "under 15", "15-19"),  # July 14; Leap 15
    ("2015-07-01", "15-19", "15-19"),  # July 15
    ("2000-06-30", None, "under 15"),  # before July's birth: no age
])
def test_birthdays_and_29_february(people: Any, as_of: str, july: Any, leap: str) -> None:
    stat, ids = people
    g = groups(stat, ids, as_of)
    assert (g["July"], g["Leap"]) == (july, leap)


def test_to_pandas_keeps_dates_and_gives_an_ordered_category(people: Any, session: clmis.Session) -> None:
    stat, ids = people
    df = stat.query("job_seeker", sort="id", as_of="2025-06-30").to_pandas()
    assert str(df["date_of_birth"].dtype) == "datetime64[ns]"
    assert df["date_of_birth"].isna().all()  # NaT: masked
    assert list(df.columns).index("age_group") == list(df.columns).index("date_of_birth") + 1
    g = df["age_group"]
    assert str(g.dtype) == "category" and g.cat.ordered
    assert tuple(g.cat.categories) == GROUPS  # every group, in order, used or not
    # June 25, January 25, July 24, Leap 25 on 2025-06-30.
    assert g.tolist() == ["25-29", "25-29", "20-24", "25-29"]
    assert (g > "20-24").tolist() == [True, True, False, True]  # ordered: compares by age
    # The administrator: real dates, the same groups.
    admin = session.query("job_seeker", sort="id", as_of="2025-06-30").to_pandas()
    assert admin["date_of_birth"].tolist() == [pd.Timestamp(d) for d in
                                               ("2000-06-30", "2000-01-01", "2000-07-01", "2000-02-29")]
    assert admin["age_group"].tolist() == g.tolist()
    # codes="string": text; and the row path (a cursor stopped inside a page) gives the same frame.
    assert str(stat.query("job_seeker", as_of="2025-06-30").to_pandas(codes="string")["age_group"].dtype) == "string"
    c = stat.query("job_seeker", sort="id", as_of="2025-06-30", page_size=3)
    next(c)
    rest = c.to_pandas()
    assert str(rest["age_group"].dtype) == "category" and rest["age_group"].cat.ordered
    assert tuple(rest["age_group"].cat.categories) == GROUPS
    assert rest["age_group"].tolist() == ["25-29", "20-24", "25-29"]
    assert str(rest["date_of_birth"].dtype) == "datetime64[ns]" and rest["date_of_birth"].isna().all()
    # columns= may name age_group alone.
    only = stat.query("job_seeker", sort="id", as_of="2025-07-01").to_pandas(columns=["age_group"])
    assert only["age_group"].tolist() == ["25-29"] * 4


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-13-01", "31/12/2024", "", 20241231, True])
def test_a_bad_as_of_is_refused_and_changes_nothing(people: Any, db_path: Path, tmp_path: Path, bad: Any) -> None:
    stat, ids = people
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        stat.query("job_seeker", as_of=bad)
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("as_of", "query")]
    with pytest.raises(clmis.ValidationError):
        stat.query("job_seeker", as_of=bad).to_pandas()
    out = tmp_path / "js.csv"
    # export_file: a str is the library's to check; "" (not a date, not None) and other types
    # are refused by the binding before the call.
    expected = (ValueError if bad == "" else clmis.ValidationError) if isinstance(bad, str) else TypeError
    with pytest.raises(expected):
        stat.export_file("job_seeker", out, as_of=bad)
    assert not out.exists()
    assert digest(db_path) == before


def test_export_file_as_of(people: Any, session: clmis.Session, tmp_path: Path) -> None:
    stat, ids = people
    out = tmp_path / "js.csv"
    assert stat.export_file("job_seeker", out, fields=["id", "date_of_birth", "age_group"],
                            as_of=dt.date(2024, 12, 31)) == 4
    # Every one of them 24 on 2024-12-31; the birth dates masked: empty cells.
    assert out.read_text() == "id,date_of_birth,age_group\n" + "".join(
        f"{i},,20-24\n" for i in sorted(ids.values()))
    assert session.audit_entries()[-1]["detail"]["as_of"] == "2024-12-31"
    with pytest.raises(clmis.ValidationError) as e:
        stat.export_file("job_seeker", tmp_path / "bad.csv", as_of="2024-02-30")
    assert e.value.errors[0]["path"] == "as_of"
    assert not (tmp_path / "bad.csv").exists()
