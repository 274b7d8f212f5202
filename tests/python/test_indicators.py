"""Indicators through Python (issue 17): exact values as decimal.Decimal, the parts as
fractions.Fraction, the tidy DataFrame, and refusals that change nothing. Expected values are
worked out by hand and checked again with fractions.Fraction over the records the test makes."""
from decimal import Decimal
from fractions import Fraction

import pytest

import clmis
from conftest import digest


def complaints(session: clmis.Session) -> None:
    # Received in 2025: 4 (3 F, 1 M); closed: 3 (2 F settled, 1 M withdrawn).
    ids = []
    for received, sex in [("2025-01-06", "F"), ("2025-01-15", "M"), ("2025-02-03", "F"), ("2025-03-03", "F")]:
        ids.append(session.create("complaint", {"date_received": received, "first_name": "Ann",
                                                "family_name": f"Hodge {received}", "sex": sex}))
    for i, on, outcome in [(0, "2025-02-10", "settled"), (1, "2025-05-01", "withdrawn"), (3, "2025-03-13", "settled")]:
        v = session.get("complaint", ids[i])["version"]
        session.transition("complaint", ids[i], v, "close", on, outcome=outcome)


def test_values_are_exact_and_typed(session: clmis.Session) -> None:
    complaints(session)
    rows = session.indicators(["C7.clearance", "C7.settled"], period="2025", by=["sex"])
    by = {(r["indicator"], r["cell"].get("sex", "_T")): r for r in rows}
    total = by[("C7.clearance", "_T")]
    # 3 closed of 4 received: 75.0; the parts exact.
    assert total["value"] == Decimal("75.0") and isinstance(total["value"], Decimal)
    assert (total["numerator"], total["denominator"]) == (Fraction(3), Fraction(4))
    # Settled 2 of 3 closed: Fraction(2, 3) * 100 = 66.666..., rounded half-even to 66.7.
    settled = by[("C7.settled", "_T")]
    assert settled["numerator"] / settled["denominator"] * 100 == Fraction(200, 3)
    assert settled["value"] == Decimal("66.7")
    assert by[("C7.clearance", "F")]["value"] == Decimal("66.7")  # 2 of 3
    assert by[("C7.clearance", "M")]["value"] == Decimal("100.0")  # 1 of 1
    # The partition adds up to the total.
    assert by[("C7.clearance", "F")]["numerator"] + by[("C7.clearance", "M")]["numerator"] == total["numerator"]


def test_tidy_frame(session: clmis.Session) -> None:
    complaints(session)
    df = session.indicators_frame(["C7.clearance"], period="2025", freq="quarter", by=["sex"])
    assert list(df.columns) == ["indicator", "period", "freq", "sex", "value", "status", "numerator", "denominator", "records"]
    q1 = df[(df["period"] == "2025-Q1") & (df["sex"] == "_T")].iloc[0]
    assert q1["value"] == Decimal("50.0") and q1["status"] == "A"  # K1 and K4 closed, 4 received
    q2 = df[(df["period"] == "2025-Q2") & (df["sex"] == "_T")].iloc[0]
    assert q2["value"] is None and q2["status"] == "M"  # 1 closed, none received
    assert str(df["sex"].dtype) == "string"


def test_disclosure_control(session: clmis.Session, db_path) -> None:
    complaints(session)
    # Closed in 2025 by sex: F 2 and M 1, both under the minimum of 3 (primary): suppressed, with
    # no value nor parts; unprotected, the same cells are published.
    plain = {r["cell"].get("sex", "_T"): r for r in session.indicators(["C7.clearance"], period="2025", by=["sex"])}
    assert plain["F"]["value"] == Decimal("66.7") and plain["M"]["status"] == "A"
    rows = session.indicators(["C7.clearance"], period="2025", by=["sex"], protect=True)
    by = {r["cell"].get("sex", "_T"): r for r in rows}
    for sex in ("F", "M"):
        assert (by[sex]["status"], by[sex]["value"], by[sex]["numerator"]) == ("Q", None, None)
        assert by[sex]["note"] == "suppressed (primary)"
    # The classical rule (intervals for the primary cells only): the same two are primary.
    classical = {r["cell"].get("sex", "_T"): r for r in session.indicators(["C7.clearance"], period="2025", by=["sex"],
                                                                           protect=True, protect_secondary=False)}
    assert classical["F"]["note"] == classical["M"]["note"] == "suppressed (primary)"
    # A minimum of 1: nothing is unsafe.
    assert all(r["status"] != "Q" for r in session.indicators(["C7.clearance"], period="2025", by=["sex"], protect=True,
                                                              min_count=1))
    df = session.indicators_frame(["C7.clearance"], period="2025", by=["sex"], protect=True)
    assert list(df[df["sex"] == "M"]["status"]) == ["Q"]
    assert b"2025" in session.indicators_export("csv", ["C7.clearance"], period="2025", protect=True)
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.indicators(["C7.clearance"], period="2025", protect="yes")
    assert e.value.errors[0]["path"] == "protect"
    with pytest.raises(clmis.ValidationError) as e:
        session.indicators(["C7.clearance"], period="2025", protect=True, min_count=0)
    assert e.value.errors[0]["path"] == "min_count"
    with pytest.raises(clmis.ValidationError) as e:
        session.indicators(["C7.clearance"], period="2025", protect=True, protect_secondary="no")
    assert e.value.errors[0]["path"] == "protect_secondary"
    assert digest(db_path) == before


def test_explain_and_list(session: clmis.Session) -> None:
    complaints(session)
    e = session.indicator_explain("C7.clearance", period="2025", cell={"sex": "F"})
    assert e["observation"]["value"] == "66.7" and e["observation"]["cell"] == {"sex": "F"}
    assert "date_received" in e["queries"]["denominator"]
    ids = [d["id"] for d in session.indicators_list()]
    assert "D1.stock" in ids and "C3" in ids


@pytest.mark.parametrize("kwargs, path", [
    ({"period": "2025-13"}, "period"),
    ({"period": "2025", "by": ["colour"]}, "by[0]"),
    ({"period": "2025", "freq": "week"}, "freq"),
])
def test_refusals_change_nothing(session: clmis.Session, db_path, kwargs, path) -> None:
    complaints(session)
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.indicators(**kwargs)
    assert e.value.errors[0]["path"] == path
    with pytest.raises(clmis.ValidationError):
        session.indicators(["Z9"], period="2025")
    assert digest(db_path) == before


def test_stock_and_flows_frames(session: clmis.Session) -> None:
    # Three job seekers registered in 2025: F 30 (KN-03), M 40 (KN-03), F 22 (no parish), the
    # last closed on 2025-03-01. On 2025-06-30 the register holds the first two.
    people = [("F", "1995-01-10", "KN-03", None), ("M", "1985-02-01", "KN-03", None), ("F", "2003-01-01", None, "2025-03-01")]
    for sex, born, parish, closed in people:
        rec = {"registration_date": "2025-01-15", "first_name": "A", "family_name": f"B {born}", "sex": sex, "date_of_birth": born}
        if parish:
            rec["parish"] = parish
        i = session.create("job_seeker", rec)
        if closed:
            session.transition("job_seeker", i, 1, "close", closed, outcome="withdrawn")
    df = session.stock("job_seeker", "2025-06-30", by=["geo", "sex", "age"])
    assert list(df.columns) == ["geo", "sex", "age", "count"]
    got = {tuple(r[:3]): r[3] for r in df.itertuples(index=False)}
    assert got == {("KN-03", "F", "Y25T34"): 1, ("KN-03", "M", "Y35T44"): 1}
    assert int(df["count"].sum()) == 2
    f = session.flows("job_seeker", "2025", into=["registered", "active"], by=["geo"])
    assert {r.geo: r.count for r in f.itertuples(index=False)} == {"KN-03": 2, "_N": 1}
    out = session.flows("job_seeker", "2025-Q1", out_of=["registered", "active"])
    assert list(out["count"]) == [1]
