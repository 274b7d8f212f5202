"""Industrial actions and redundancies through Python (issue 16): the computed days not worked
and severance, typed; an override with its reason, kept and cleared; refusals that change
nothing (conftest.digest). The expected figures are worked out by hand on the KNA calendar and
the KNA severance rule (data/countries/KNA.json), and the severance total is checked against an
independent sum in fractions.Fraction."""
import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

import clmis
from conftest import digest


def held(session: clmis.Session, start: str, end: str, workers=(30, 20, 5, 5)) -> int:
    m, f, im, if_ = workers
    i = session.create("industrial_action", {"date_reported": "2025-07-25", "action_type": "strike",
                                             "workers_direct_male": m, "workers_direct_female": f,
                                             "workers_indirect_male": im, "workers_indirect_female": if_})
    v = session.transition("industrial_action", i, 1, "start", start, start_date=start)
    session.transition("industrial_action", i, v, "end", end, end_date=end, outcome="ended_agreement")
    return i


def test_days_not_worked_and_an_override(session: clmis.Session) -> None:
    # Mon 2025-07-28 to Fri 2025-08-08: 5 working days, the weekend, Emancipation Day (Mon Aug 4)
    # and Culturama Day - Last Lap (Tue Aug 5), then 3: 8 working days × 60 workers = 480.
    i = held(session, "2025-07-28", "2025-08-08")
    r = session.get("industrial_action", i)
    assert (r["workers_involved"], r["days_not_worked"], r["end_date"]) == (60, 480, datetime.date(2025, 8, 8))
    v = session.override("industrial_action", i, r["version"], "days_not_worked", 420, reason="20 returned on Aug 6")
    assert session.get("industrial_action", i)["days_not_worked"] == 420
    (o,) = session.overrides("industrial_action", i)
    assert o["reason"] == "20 returned on Aug 6" and isinstance(o["at"], datetime.datetime) and "cleared" not in o
    v = session.clear_override("industrial_action", i, v, "days_not_worked", reason="register corrected")
    assert session.get("industrial_action", i)["days_not_worked"] == 480
    assert session.overrides("industrial_action", i)[0]["cleared"]["reason"] == "register corrected"


def test_severance_total_is_exact(session: clmis.Session) -> None:
    # KNA: 2 weeks a completed year up to 5 years, 3 weeks a year for 6 to 10, 4 after 10; a year's
    # minimum. 200 workers with odd weekly pays in cents; each severance and the total checked
    # against Fraction arithmetic over the same rule.
    emp = session.create("employer", {"name": "Harbour Marine Ltd", "isic_class": "3011"})
    workers = []
    expected = []
    for k in range(200):
        years, pay = k % 14, Decimal(k * 37 + 11) / 100 + Decimal("0.01")
        workers.append({"sex": "MF"[k % 2], "years_of_service": years, "weekly_pay": {"amount": str(pay), "currency": "XCD"}})
        weeks = 0 if years < 1 else 2 * min(years, 5) + 3 * max(0, min(years, 10) - 5) + 4 * max(0, years - 10)
        expected.append(Fraction(pay) * weeks)
    r_id = session.create("redundancy", {"employer": emp, "notice_date": "2025-06-02", "effective_date": "2025-07-01",
                                         "reason": "closure", "workers": workers})
    r = session.get("redundancy", r_id)
    got = [Fraction(w["severance"].amount) for w in r["workers"]]
    assert got == expected
    assert Fraction(r["severance_total"].amount) == sum(expected)
    assert r["severance_total"].currency == "XCD" and r["workers_affected"] == 200


def test_bad_input_changes_nothing(session: clmis.Session, db_path) -> None:
    i = held(session, "2025-07-28", "2025-08-08")
    v = session.get("industrial_action", i)["version"]
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.update("industrial_action", i, v, {"days_not_worked": 1})
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("days_not_worked", "read_only")]
    with pytest.raises(clmis.ValidationError) as e:
        session.override("industrial_action", i, v, "days_not_worked", 1, reason="")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("reason", "required")]
    with pytest.raises(clmis.Conflict):
        session.clear_override("industrial_action", i, v, "days_not_worked", reason="nothing to clear")
    assert digest(db_path) == before
    emp = session.create("employer", {"name": "Harbour Marine Ltd", "isic_class": "3011"})
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.create("redundancy", {"employer": emp, "notice_date": "2025-06-02", "effective_date": "2025-05-01",
                                      "reason": "closure", "workers": []})
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("effective_date", "date_order")]
    assert digest(db_path) == before


def test_redundancy_notice_counted_back_in_saint_vincent(tmp_path) -> None:
    # Protection of Employment Act s.12(3) (as the Department of Labour quotes it): one month's
    # notice before five or more employees go. Effective 1 July 2025: due 1 June; the notice of
    # 2 June is a day late. Moving the effective date to 2 July counts it again: due 2 June.
    from conftest import PASSWORD
    db = clmis.create(tmp_path / "vct.db", country="VCT", admin_password=PASSWORD)
    s = db.login("admin", PASSWORD)
    emp = s.create("employer", {"name": "Kingstown Garments", "isic_class": "1410"})
    worker = {"sex": "F", "years_of_service": 3, "weekly_pay": {"amount": "400.00", "currency": "XCD"}}
    r = s.create("redundancy", {"employer": emp, "notice_date": "2025-06-02", "effective_date": "2025-07-01",
                                "reason": "closure", "workers": [worker] * 5})
    (d,) = s.deadlines("redundancy", r)
    assert (d["deadline"], d["unit"], d["length"], d["before_field"]) == ("redundancy.notice", "months", 1, "effective_date")
    assert (d["due"], d["met_on"], d["met_late"]) == (datetime.date(2025, 6, 1), datetime.date(2025, 6, 2), True)
    s.update("redundancy", r, s.get("redundancy", r)["version"], {"effective_date": "2025-07-02"})
    (d,) = s.deadlines("redundancy", r)
    assert (d["due"], d["met_late"]) == (datetime.date(2025, 6, 2), False)
    # Four workers: below the threshold, nothing runs.
    r4 = s.create("redundancy", {"employer": emp, "notice_date": "2025-06-02", "effective_date": "2025-07-01",
                                 "reason": "closure", "workers": [worker] * 4})
    assert s.deadlines("redundancy", r4) == []
