"""Cursor.to_pandas(): one dtype per field type (docs/python.md), values intact, empty results
with the same dtypes. Expected categories and counts come from the file (sqlite3) or by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Dict

import pytest

import clmis
from conftest import sql

pd = pytest.importorskip("pandas")

# The dtypes of the fixture pack's "sample" type, by hand from docs/python.md's table.
SAMPLE_DTYPES: Dict[str, str] = {
    "id": "Int64", "version": "Int64", "created_at": "datetime64[ns, UTC]", "created_by": "string",
    "updated_at": "datetime64[ns, UTC]", "updated_by": "string", "external_id": "string",
    "archived": "boolean", "archive_reason": "string",
    "title": "string", "count": "Int64", "ratio": "object", "pay": "object", "day": "datetime64[ns]",
    "at": "datetime64[ns, UTC]", "flag": "boolean", "kind": "category", "parish": "category",
    "owner": "Int64", "items": "object",
}


@pytest.fixture
def samples(typed: clmis.Session) -> Dict[str, int]:
    owner = typed.create("owner", {"name": "Co-op"})
    full = typed.create("sample", {
        "title": "full", "count": 7, "ratio": Decimal("0.125"), "pay": clmis.Money(Decimal("99.95"), "XCD"),
        "day": dt.date(2025, 2, 28), "at": dt.datetime(2025, 2, 28, 23, 30, tzinfo=dt.timezone.utc),
        "flag": False, "kind": "c", "parish": "P1", "owner": owner,
        "items": [{"label": "one", "price": Decimal("1.10")}]})
    empty = typed.create("sample", {"title": "empty"})
    return {"full": full, "empty": empty, "owner": owner}


def test_dtypes_and_values(typed: clmis.Session, samples: Dict[str, int], typed_path: Path) -> None:
    df = typed.query("sample").to_pandas()
    assert {c: str(t) for c, t in df.dtypes.items()} == SAMPLE_DTYPES
    assert list(df.columns) == list(SAMPLE_DTYPES)  # record order
    assert len(df) == 2
    full, empty = df.iloc[0], df.iloc[1]
    assert full["id"] == samples["full"] and full["count"] == 7
    assert full["ratio"] == Decimal("0.125") and isinstance(full["ratio"], Decimal)
    assert full["pay"] == clmis.Money(Decimal("99.95"), "XCD")
    assert full["day"] == pd.Timestamp(2025, 2, 28)
    assert full["at"] == pd.Timestamp("2025-02-28T23:30:00Z")
    assert not full["flag"] and full["kind"] == "c" and full["owner"] == samples["owner"]
    assert full["items"] == [{"label": "one", "price": Decimal("1.10"), "cost": None, "on": None}]
    assert pd.isna(empty["count"]) and empty["ratio"] is None and empty["pay"] is None
    assert pd.isna(empty["day"]) and pd.isna(empty["at"]) and pd.isna(empty["flag"]) and pd.isna(empty["kind"])
    assert empty["items"] == []
    # Categories: the whole code list in its declared order, unused codes included.
    declared = [r[0] for r in sql(typed_path, "SELECT code FROM clmis_code WHERE list = 'kind' ORDER BY position")]
    assert list(df["kind"].cat.categories) == declared
    assert df["kind"].value_counts().to_dict() == {code: (1 if code == "c" else 0) for code in declared}
    assert df["created_at"].iloc[0].tzinfo is not None


def test_an_empty_result_has_the_same_dtypes(typed: clmis.Session, samples: Dict[str, int]) -> None:
    df = typed.query("sample", {"title": "nothing like this"}).to_pandas()
    assert len(df) == 0
    assert {c: str(t) for c, t in df.dtypes.items()} == SAMPLE_DTYPES


def test_options(typed: clmis.Session, samples: Dict[str, int]) -> None:
    df = typed.query("sample", sort="id").to_pandas(dates="object", codes="string")
    assert str(df["day"].dtype) == "object" and df["day"].iloc[0] == dt.date(2025, 2, 28)
    assert df["day"].iloc[1] is None
    assert str(df["kind"].dtype) == "string" and str(df["parish"].dtype) == "string"
    with pytest.raises(ValueError):
        typed.query("sample").to_pandas(dates="python")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        typed.query("sample").to_pandas(codes="labels")  # type: ignore[arg-type]


def test_to_pandas_takes_what_the_cursor_has_not_returned(typed: clmis.Session) -> None:
    made = typed.batch(lambda: [typed.create("sample", {"title": f"t{i}", "count": i}) for i in range(23)])
    c = typed.query("sample", page_size=5)
    head = [next(c) for _ in range(7)]
    df = c.to_pandas()
    assert [r["id"] for r in head] + df["id"].tolist() == made
    assert df["count"].sum() == sum(range(7, 23))
    assert c.pages == 5


def test_job_seekers_frame(session: clmis.Session) -> None:
    people = [("Keisha", "F", "KN-03", dt.date(1999, 7, 14)), ("Jomo", "M", "KN-01", dt.date(1988, 1, 2)),
              ("Ava", "F", "KN-03", dt.date(2001, 12, 31))]
    for i, (first, sex, parish, born) in enumerate(people):
        session.create("job_seeker", {"registration_date": dt.date(2025, 3, 3), "first_name": first,
                                      "family_name": "Browne", "sex": sex, "date_of_birth": born,
                                      "parish": parish, "nis_number": str(100 + i),
                                      "desired_occupations": [{"occupation": "5120"}]})
    df = session.query("job_seeker").to_pandas()
    assert df["sex"].value_counts().to_dict() == {"M": 1, "F": 2}
    assert df["parish"].value_counts()["KN-03"] == 2
    assert df["date_of_birth"].dt.year.tolist() == [1999, 1988, 2001]
    assert str(df["registration_no"].dtype) == "string"
    assert df["desired_occupations"].map(len).tolist() == [1, 1, 1]
    assert str(df["status"].dtype) == "category" and set(df["status"]) == {"registered"}
