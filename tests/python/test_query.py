"""Session.query: filters, sort, limits, and the lazy cursor over several pages (keyset paging).
Expected ids come from the same question asked of the file with the sqlite3 module."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, List

import pytest

import clmis
from conftest import sql

PARISHES = ["KN-01", "KN-03", "KN-09"]


@pytest.fixture
def employers(session: clmis.Session) -> List[int]:
    """25 employers: names "Employer 00".."Employer 24" created in a shuffled order, three
    parishes, workers_female i % 7 (None for every fifth)."""
    order = [(i * 7) % 25 for i in range(25)]  # 7 is prime to 25: a permutation

    def load() -> List[int]:
        return [session.create("employer", {
            "name": f"Employer {i:02d}", "parish": PARISHES[i % 3],
            "workers_female": None if i % 5 == 0 else i % 7,
            "contacts": [{"name": f"Contact {i}"}]}) for i in order]

    return session.batch(load)


def ids(cursor: Any) -> List[int]:
    return [r["id"] for r in cursor]


def test_lazy_cursor_over_several_pages(session: clmis.Session, employers: List[int]) -> None:
    c = session.query("employer", page_size=10)
    assert isinstance(c, clmis.Cursor) and iter(c) is c
    assert (c.pages, c.page_size, c.record_type) == (1, 10, "employer")  # the first page only
    first = [next(c) for _ in range(10)]
    assert c.pages == 1
    eleventh = next(c)
    assert c.pages == 2  # fetched when needed
    rest = list(c)
    assert c.pages == 3
    assert [r["id"] for r in first + [eleventh] + rest] == sorted(employers)
    assert rest[-1]["contacts"][0]["name"].startswith("Contact ")  # sections come with every page
    with pytest.raises(StopIteration):
        next(c)


def test_pages_do_not_shift_when_records_are_added(session: clmis.Session, employers: List[int]) -> None:
    c = session.query("employer", sort="name", page_size=10)
    seen = [next(c)["name"] for _ in range(10)]
    # Added meanwhile: one sorting before the cursor's position, one after.
    session.create("employer", {"name": "AAA First"})
    session.create("employer", {"name": "ZZZ Last"})
    seen += [r["name"] for r in c]
    assert seen == [f"Employer {i:02d}" for i in range(25)] + ["ZZZ Last"]
    assert len(set(seen)) == len(seen)


def test_filters_against_sql(session: clmis.Session, employers: List[int], db_path: Path) -> None:
    def expect(where: str, *params: Any) -> List[int]:
        return [r[0] for r in sql(db_path, f"SELECT id FROM employer WHERE archived = 0 AND {where} ORDER BY id", *params)]

    assert ids(session.query("employer", {"parish": "KN-03"})) == expect("parish = 'KN-03'")
    assert ids(session.query("employer", {"parish": ["KN-01", "KN-09"]})) == expect("parish IN ('KN-01', 'KN-09')")
    assert ids(session.query("employer", {"workers_female": None})) == expect("workers_female IS NULL")
    assert ids(session.query("employer", [("workers_female", "ge", 4), ("parish", "ne", "KN-01")])) == expect(
        "workers_female >= 4 AND parish != 'KN-01'")
    assert ids(session.query("employer", [{"field": "name", "op": "contains", "value": "er 1"}])) == expect(
        "instr(name, 'er 1') > 0")
    assert ids(session.query("employer", [("workers_female", "is_null", False), ("id", "lt", 10)])) == expect(
        "workers_female IS NOT NULL AND id < 10")
    assert ids(session.query("employer", {"parish": "KN-99"})) == []


def test_sort_against_sql(session: clmis.Session, employers: List[int], db_path: Path) -> None:
    def expect(order: str) -> List[int]:
        return [r[0] for r in sql(db_path, f"SELECT id FROM employer WHERE archived = 0 ORDER BY {order}")]

    # SQLite puts NULLs first ascending and last descending, as clmis documents.
    assert ids(session.query("employer", sort="-workers_female", page_size=7)) == expect("workers_female DESC, id")
    assert ids(session.query("employer", sort=["parish", "-name"], page_size=4)) == expect("parish, name DESC, id")
    assert ids(session.query("employer", sort=[("workers_female", False), {"field": "name", "desc": True}],
                             page_size=3)) == expect("workers_female, name DESC, id")
    assert ids(session.query("employer", sort="-id")) == expect("id")  # id is always the last key, ascending


def test_limits(session: clmis.Session, employers: List[int]) -> None:
    c = session.query("employer", limit=12, page_size=10)
    assert ids(c) == sorted(employers)[:12]
    assert c.pages == 2
    assert ids(session.query("employer", None, None, 1000)) == sorted(employers)
    none = session.query("employer", limit=0)
    assert list(none) == [] and none.pages == 1
    with pytest.raises(clmis.ValidationError):  # a limit of 0 still checks the query
        session.query("employer", {"shoe_size": 3}, limit=0)
    with pytest.raises(ValueError):
        session.query("employer", limit=-1)
    for bad in (0, 1001):
        with pytest.raises(ValueError):
            session.query("employer", page_size=bad)


def test_archived_records(session: clmis.Session, employers: List[int]) -> None:
    gone = sorted(employers)[3]
    session.archive("employer", gone, 1, "closed")
    assert gone not in ids(session.query("employer"))
    assert gone in ids(session.query("employer", include_archived=True))
    assert ids(session.query("employer", {"id": gone}, include_archived=True)) == [gone]


def test_bad_queries_raise_at_the_call(session: clmis.Session) -> None:
    with pytest.raises(clmis.ValidationError) as e:
        session.query("employer", sort="shoe_size")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("sort[0].field", "query")]
    with pytest.raises(clmis.NotFound):
        session.query("spaceship")
    with pytest.raises(TypeError):
        session.query("employer", 42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        session.query("employer", [("name", "eq")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        session.query("employer", sort=[("name", "desc")])  # type: ignore[list-item]


def test_a_closed_database_stops_the_cursor(db: clmis.Database, session: clmis.Session, employers: List[int]) -> None:
    c = session.query("employer", page_size=20)
    assert len([next(c) for _ in range(20)]) == 20
    db.close()
    with pytest.raises(clmis.Misuse):
        next(c)


def test_typed_filter_values(typed: clmis.Session, typed_path: Path) -> None:
    made = []
    for i in range(6):
        made.append(typed.create("sample", {
            "title": f"s{i}", "ratio": Decimal(i) / 4, "day": dt.date(2025, 1, 1 + i),
            "at": dt.datetime(2025, 1, 1, i, tzinfo=dt.timezone.utc),
            "pay": clmis.Money(Decimal(100 * i), "XCD" if i % 2 else "USD"), "flag": i % 2 == 0}))

    # Plain SQL over the view, where dates and times are text (SQLite's own date functions make
    # them from the stored day numbers and seconds).
    def expect(where: str) -> List[int]:
        return [r[0] for r in sql(typed_path, f"SELECT id FROM clmis_view_sample WHERE {where} ORDER BY id")]

    assert ids(typed.query("sample", [("ratio", "gt", Decimal("0.5"))])) == expect("ratio_e3 > 500")
    assert ids(typed.query("sample", {"day": dt.date(2025, 1, 3)})) == expect("day = '2025-01-03'")
    assert ids(typed.query("sample", [("at", "ge", dt.datetime(2025, 1, 1, 3, tzinfo=dt.timezone.utc))])) == expect(
        "at >= '2025-01-01T03:00:00Z'")
    assert ids(typed.query("sample", [("pay", "ge", clmis.Money(Decimal(200), "XCD"))])) == expect(
        "pay_minor >= 20000 AND pay_currency = 'XCD'")
    assert ids(typed.query("sample", {"pay": clmis.Money(Decimal(300), "XCD")})) == expect(
        "pay_minor = 30000 AND pay_currency = 'XCD'")
    assert ids(typed.query("sample", {"flag": True})) == expect("flag = 1")
    with pytest.raises(clmis.ValidationError) as e:
        typed.query("sample", [("ratio", "gt", 0.5)])
    assert e.value.errors[0]["path"] == "filter[0].value"
