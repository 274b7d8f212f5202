"""Round trips of every value type (the fixture pack has one field of each) and the refusal of
what has no exact encoding. Stored values are checked in the file itself (sqlite3): decimals as
integer units of their scale, money as minor units and a currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict

import pytest

import clmis
from conftest import sql

UTC = dt.timezone.utc
AST = dt.timezone(dt.timedelta(hours=-4))  # Atlantic Standard Time, the Eastern Caribbean's


def row(path: Path, rid: int) -> Dict[str, Any]:
    con_rows = sql(path, "SELECT title, count, ratio_e3, pay_minor, pay_currency, day, at, flag, kind, parish, owner "
                         "FROM clmis_view_sample WHERE id = ?", rid)
    (r,) = con_rows
    keys = ["title", "count", "ratio_e3", "pay_minor", "pay_currency", "day", "at", "flag", "kind", "parish", "owner"]
    return dict(zip(keys, r))


def test_every_type_round_trips(typed: clmis.Session, typed_path: Path) -> None:
    owner = typed.create("owner", {"name": "Basseterre Co-op"})
    record = {
        "title": "everything",
        "count": 2**62,
        "ratio": Decimal("-12.5"),
        "pay": clmis.Money(Decimal("1250.5"), "XCD"),
        "day": dt.date(2024, 2, 29),
        "at": dt.datetime(2025, 11, 23, 10, 5, 0, tzinfo=AST),
        "flag": True,
        "kind": "a",
        "parish": "P2",
        "owner": owner,
        "items": [{"label": "first", "price": Decimal("0.05"), "cost": {"amount": Decimal("3"), "currency": "USD"},
                   "on": dt.date(1999, 12, 31)},
                  {"label": "second"}],
    }
    rid = typed.create("sample", record)
    got = typed.get("sample", rid)
    # Values come back in the field's canonical scale, times in UTC.
    assert got["count"] == 2**62 and type(got["count"]) is int
    assert got["ratio"] == Decimal("-12.5") and str(got["ratio"]) == "-12.500"
    assert isinstance(got["pay"], clmis.Money)
    assert got["pay"] == clmis.Money(Decimal("1250.50"), "XCD") and str(got["pay"].amount) == "1250.50"
    assert str(got["pay"]) == "1250.50 XCD"
    assert got["day"] == dt.date(2024, 2, 29) and type(got["day"]) is dt.date
    assert got["at"] == dt.datetime(2025, 11, 23, 14, 5, 0, tzinfo=UTC)
    assert got["at"].tzinfo is UTC
    assert got["flag"] is True
    assert (got["kind"], got["parish"], got["owner"]) == ("a", "P2", owner)
    assert got["items"] == [
        {"label": "first", "price": Decimal("0.05"), "cost": clmis.Money(Decimal("3.00"), "USD"), "on": dt.date(1999, 12, 31)},
        {"label": "second", "price": None, "cost": None, "on": None}]
    # Independently, the stored form: -12.5 at scale 3 is -12500 units; 1250.50 XCD is 125050 cents;
    # 10:05 at UTC-4 is 14:05 UTC.
    assert row(typed_path, rid) == {
        "title": "everything", "count": 2**62, "ratio_e3": -12500, "pay_minor": 125050, "pay_currency": "XCD",
        "day": "2024-02-29", "at": "2025-11-23T14:05:00Z", "flag": 1, "kind": "a", "parish": "P2", "owner": owner}
    assert sql(typed_path, "SELECT label, price_e2, cost_minor, cost_currency, \"on\" FROM clmis_view_sample__items "
                           "WHERE parent_id = ? ORDER BY item_no", rid) == [
        ("first", 5, 300, "USD", "1999-12-31"), ("second", None, None, None, None)]


def test_the_json_encodings_are_accepted_too(typed: clmis.Session, typed_path: Path) -> None:
    rid = typed.create("sample", {"title": "encoded", "ratio": "7", "pay": {"amount": "0.10", "currency": "XCD"},
                                  "day": "2025-01-31", "at": "2025-01-31T23:59:59Z"})
    got = typed.get("sample", rid)
    assert got["ratio"] == Decimal("7.000")
    assert got["pay"] == clmis.Money(Decimal("0.10"), "XCD")
    assert got["day"] == dt.date(2025, 1, 31)
    assert got["at"] == dt.datetime(2025, 1, 31, 23, 59, 59, tzinfo=UTC)
    r = row(typed_path, rid)
    assert (r["ratio_e3"], r["pay_minor"]) == (7000, 10)


def test_decimal_forms(typed: clmis.Session, typed_path: Path) -> None:
    # Exponent forms are written out in plain notation; integers are exact decimals.
    cases = [(Decimal("1E+2"), 100000), (Decimal("1.5E-2"), 15), (Decimal("-0"), 0), (3, 3000),
             (Decimal("123456789.123"), 123456789123)]
    for value, units in cases:
        rid = typed.create("sample", {"title": "d", "ratio": value})
        assert row(typed_path, rid)["ratio_e3"] == units, value
        assert typed.get("sample", rid)["ratio"] == Decimal(units).scaleb(-3)


def test_update_with_python_types(typed: clmis.Session, typed_path: Path) -> None:
    rid = typed.create("sample", {"title": "u", "ratio": Decimal("1")})
    v = typed.update("sample", rid, 1, {"ratio": Decimal("2.25"), "day": dt.date(2025, 6, 1),
                                        "pay": clmis.Money(Decimal("5"), "XCD"), "flag": False})
    assert v == 2
    r = row(typed_path, rid)
    assert (r["ratio_e3"], r["day"], r["pay_minor"], r["flag"]) == (2250, "2025-06-01", 500, 0)
    # None clears.
    assert typed.update("sample", rid, 2, {"ratio": None, "pay": None}) == 3
    assert (row(typed_path, rid)["ratio_e3"], row(typed_path, rid)["pay_minor"]) == (None, None)


@pytest.mark.parametrize("field,value,path", [
    ("ratio", 1.5, "ratio"),
    ("ratio", 0.1, "ratio"),
    ("ratio", float("nan"), "ratio"),
    ("pay", {"amount": 12.5, "currency": "XCD"}, "pay"),
    ("pay", clmis.Money(12.5, "XCD"), "pay"),  # type: ignore[arg-type]
    ("count", 3.0, "count"),
    ("day", 45000.0, "day"),
])
def test_floats_are_refused_never_rounded(typed: clmis.Session, typed_path: Path, field: str, value: Any,
                                          path: str) -> None:
    before = sql(typed_path, "SELECT count(*) FROM sample")[0][0]
    with pytest.raises(clmis.ValidationError) as e:
        typed.create("sample", {"title": "float", field: value})
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [(path, "type")]
    assert sql(typed_path, "SELECT count(*) FROM sample")[0][0] == before


def test_float_in_a_section_and_several_errors_at_once(typed: clmis.Session) -> None:
    with pytest.raises(clmis.ValidationError) as e:
        typed.create("sample", {"title": "x" * 41, "ratio": 2.5,
                                "items": [{"label": "ok"}, {"label": "bad", "price": 9.99}]})
    assert sorted((x["path"], x["rule"]) for x in e.value.errors) == [
        ("items[1].price", "type"), ("ratio", "type"), ("title", "length")]
    (price,) = [x for x in e.value.errors if x["path"] == "items[1].price"]
    assert price["value"] == 9.99 and price["record"] == "sample"


def test_decimal_not_a_number_and_too_many_places(typed: clmis.Session) -> None:
    for bad in (Decimal("NaN"), Decimal("Infinity"), Decimal("0.0001")):
        with pytest.raises(clmis.ValidationError) as e:
            typed.create("sample", {"title": "x", "ratio": bad})
        assert e.value.errors[0]["path"] == "ratio", bad
    with pytest.raises(clmis.ValidationError) as e:
        typed.create("sample", {"title": "x", "pay": clmis.Money(Decimal("0.001"), "XCD")})
    assert e.value.errors[0]["path"] == "pay"


def test_datetimes_must_be_aware_and_whole_seconds(typed: clmis.Session, typed_path: Path) -> None:
    before = sql(typed_path, "SELECT count(*) FROM sample")[0][0]
    with pytest.raises(ValueError, match=r"record\['at'\].*naive"):
        typed.create("sample", {"title": "x", "at": dt.datetime(2025, 1, 1, 12, 0)})
    with pytest.raises(ValueError, match=r"record\['at'\].*whole seconds"):
        typed.create("sample", {"title": "x", "at": dt.datetime(2025, 1, 1, 12, 0, 0, 500, tzinfo=UTC)})
    assert sql(typed_path, "SELECT count(*) FROM sample")[0][0] == before


def test_values_without_an_encoding(typed: clmis.Session) -> None:
    with pytest.raises(TypeError, match=r"record\['title'\]"):
        typed.create("sample", {"title": b"bytes"})
    with pytest.raises(TypeError, match=r"record\['items'\]\[0\]\['label'\]"):
        typed.create("sample", {"title": "x", "items": [{"label": {1, 2}}]})
    with pytest.raises(TypeError, match="keys must be str"):
        typed.create("sample", {"title": "x", 3: "three"})  # type: ignore[dict-item]
    with pytest.raises(OverflowError, match=r"record\['count'\]"):
        typed.create("sample", {"title": "x", "count": 2**64})
    with pytest.raises(TypeError):
        typed.create("sample", {"title": "x", "day": object()})
    with pytest.raises(ValueError, match=r"record\['title'\].*UTF-8"):
        typed.create("sample", {"title": "lone \ud800 surrogate"})


def test_text_round_trips_exactly(typed: clmis.Session, typed_path: Path) -> None:
    for text in ("Saint Kitts & Nevis", "Ünïcode café — “quotes”", "emoji 🇰🇳", "tab\tand\nnewline"):
        rid = typed.create("sample", {"title": text})
        assert typed.get("sample", rid)["title"] == text
        assert row(typed_path, rid)["title"] == text
    # NUL is refused: C callers would read the text cut short at it.
    with pytest.raises(clmis.ValidationError) as e:
        typed.create("sample", {"title": "nul\x00byte"})
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("title", "type")]


def test_a_record_that_is_not_a_dict(typed: clmis.Session) -> None:
    with pytest.raises(clmis.ValidationError) as e:
        typed.create("sample", ["title", "x"])  # type: ignore[arg-type]
    assert e.value.errors[0]["rule"] == "type"


def test_integer_likes_and_mappings_are_accepted(typed: clmis.Session, typed_path: Path) -> None:
    import collections
    import types

    numpy = pytest.importorskip("numpy")
    rid = typed.create("sample", types.MappingProxyType({"title": "np", "count": numpy.int64(41)}))
    assert row(typed_path, rid)["count"] == 41
    ordered = collections.OrderedDict([("title", "od"), ("flag", numpy.bool_(True).item())])
    assert row(typed_path, typed.create("sample", ordered))["flag"] == 1
    # numpy's float is a float: refused like any other.
    with pytest.raises(clmis.ValidationError):
        typed.create("sample", {"title": "np", "ratio": numpy.float64(1.5)})


def test_money_currency_rules_come_from_the_library(typed: clmis.Session) -> None:
    with pytest.raises(clmis.ValidationError) as e:
        typed.create("sample", {"title": "x", "pay": clmis.Money(Decimal("1"), "ZZZ")})
    assert e.value.errors[0]["rule"] == "code_list"
    rid = typed.create("sample", {"title": "yen", "pay": clmis.Money(Decimal("1250"), "JPY")})
    assert typed.get("sample", rid)["pay"] == clmis.Money(Decimal("1250"), "JPY")
    assert str(typed.get("sample", rid)["pay"].amount) == "1250"  # JPY has no minor unit
