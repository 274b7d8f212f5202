"""The country's calendar from Python: a year's holidays, working days, proclamations."""
import datetime
from pathlib import Path

import pytest

import clmis
from conftest import PASSWORD, digest

D = datetime.date


@pytest.fixture
def tto(tmp_path: Path) -> clmis.Database:
    return clmis.create(tmp_path / "tto.db", country="TTO", admin_password=PASSWORD)


def test_a_year_of_holidays_with_typed_dates(tto: clmis.Database) -> None:
    days = tto.calendar(2025, lang="en")
    by_date = {(d["date"], d["name"]): d for d in days}
    # data/holidays/TTO.json 2025: Eid-ul-Fitr declared for Sunday 30 March with Spiritual Baptist
    # Day; their substitutes are Monday 31 March and Tuesday 1 April.
    eid = by_date[(D(2025, 3, 31), "Eid-ul-Fitr (substitute)")]
    assert eid["kind"] == "substitute" and eid["substitute_for"]["date"] == D(2025, 3, 30)
    assert by_date[(D(2025, 4, 1), "Spiritual Baptist/Shouter Liberation Day (substitute)")]["day_off"]
    carnival = by_date[(D(2025, 3, 3), "Carnival Monday")]
    assert carnival["statutory"] is False and carnival["day_off"] is True  # customary, offices close
    assert len(days) == 20  # the 2025 entries of data/holidays/TTO.json


def test_working_days_and_explain(tto: clmis.Database) -> None:
    # From Friday 28 March 2025: Sat 29, Sun 30, Mon 31, Tue 1 April skipped; Wed 2 (1), Thu 3 (2).
    assert tto.add_days(D(2025, 3, 28), 2) == D(2025, 4, 3)
    r = tto.add_days("2025-03-28", 2, explain=True)
    assert r["date"] == D(2025, 4, 3)
    assert [s["date"] for s in r["skipped"]] == [D(2025, 3, 29), D(2025, 3, 30), D(2025, 3, 31), D(2025, 4, 1)]
    assert r["skipped"][0]["reasons"] == ["Saturday (weekend)"]
    assert tto.add_days(D(2025, 3, 28), 3, working=False) == D(2025, 3, 31)  # no roll in TTO
    assert tto.working_days(D(2025, 3, 28), D(2025, 4, 3)) == 2
    assert tto.working_days(D(2025, 4, 3), D(2025, 3, 28)) == -2
    utc = datetime.timezone.utc
    assert tto.add_hours(datetime.datetime(2025, 3, 28, 9, 0, tzinfo=utc), 24) == \
        datetime.datetime(2025, 3, 29, 9, 0, tzinfo=utc)


def test_proclaim_pending_and_withdraw(tto: clmis.Database) -> None:
    s = tto.login("admin", PASSWORD)
    pending = tto.calendar_pending(2026)
    assert [(p["rule"], p["estimate"]) for p in pending] == [("eid_al_fitr", D(2026, 3, 20)), ("divali", D(2026, 11, 8))]
    r = s.proclaim(D(2026, 3, 21), rule="eid_al_fitr", note="Notice of 10 March 2026")
    assert r["removed"] == [{"date": D(2026, 3, 20), "name": "Eid-ul-Fitr"}]
    assert r["added"] == [{"date": D(2026, 3, 21), "name": "Eid-ul-Fitr"}]
    assert r["working_days_change_from"] == D(2026, 3, 20)  # a Friday, working again; 21 is a Saturday
    assert [p["rule"] for p in tto.calendar_pending(2026)] == ["divali"]
    one = s.proclaim("2026-06-22", name={"en": "Day of mourning"})
    assert one["working_days_change_from"] == D(2026, 6, 22)
    s.withdraw_proclamation(date=D(2026, 6, 22))
    s.withdraw_proclamation(rule="eid_al_fitr", year=2026)
    assert [p["rule"] for p in tto.calendar_pending(2026)] == ["eid_al_fitr", "divali"]


def test_bad_input_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kna.db"
    db = clmis.create(path, country="KNA", admin_password=PASSWORD)
    s = db.login("admin", PASSWORD)
    before = digest(path)
    with pytest.raises(clmis.ValidationError) as e:
        s.proclaim("2026-08-04", rule="culturama")
    assert e.value.errors[0]["rule"] == "code_list"
    with pytest.raises(clmis.ValidationError):
        s.proclaim("2026-02-30", rule="culturama_last_lap")
    with pytest.raises(clmis.ValidationError):
        s.proclaim("2026-08-04")  # neither rule nor name
    with pytest.raises(clmis.ValidationError):
        db.add_days("2026-01-01", -1)
    with pytest.raises(clmis.ValidationError):
        db.calendar(1850)
    with pytest.raises(clmis.NotFound):
        s.withdraw_proclamation(rule="culturama_last_lap", year=2026)
    with pytest.raises(TypeError):
        db.add_days(20260101, 1)  # type: ignore[arg-type]
    assert digest(path) == before
