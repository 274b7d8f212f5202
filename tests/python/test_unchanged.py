"""A refused operation changes nothing: the same hash over every table of the file (records,
sections, history, change sequence, audit, codes), computed with the sqlite3 module. Only the
security log may grow."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, Tuple, Type

import pytest

import clmis
from conftest import PASSWORD, digest, sql

D = dt.date


@pytest.fixture
def world(session: clmis.Session) -> Dict[str, Any]:
    """Some records to be refused changes on."""
    emp = session.create("employer", {"name": "Frigate Bay Resorts Ltd", "parish": "KN-03",
                                      "contacts": [{"name": "Maria Liburd"}]})
    gone = session.create("employer", {"name": "Archived Ltd"})
    session.archive("employer", gone, 1, "closed down")
    js = session.create("job_seeker", {"registration_date": D(2025, 3, 3), "first_name": "Keisha",
                                       "family_name": "Liburd", "sex": "F", "date_of_birth": D(1999, 7, 14),
                                       "nis_number": "1846398"})
    session.transition("job_seeker", js, 1, "activate", effective_date=D(2025, 3, 3))
    session.upsert("employer", "EXT-1", {"name": "Upserted Ltd"})
    old, _ = session.upsert("employer", "EXT-GONE", {"name": "Gone Ltd"})
    session.archive("employer", old, 1, "closed down")
    session.code_add("contract_type", {"code": "zero_hours", "label": {"en": "Zero hours"}})
    session.create("vacancy", {"employer": emp, "job_title": "Cook", "occupation": "5120",
                               "date_registered": D(2025, 5, 2), "contract_type": "zero_hours"})
    return {"emp": emp, "gone": gone, "js": js}


def refusals(s: clmis.Session, w: Dict[str, Any]) -> Dict[str, Tuple[Type[BaseException], Callable[[], Any]]]:
    emp, gone, js = w["emp"], w["gone"], w["js"]
    return {
        "create invalid": (clmis.ValidationError, lambda: s.create("employer", {"name": "", "parish": "KN-99"})),
        "create bad section entry": (clmis.ValidationError, lambda: s.create("job_seeker", {
            "registration_date": D(2025, 3, 3), "first_name": "A", "family_name": "B", "sex": "F",
            "date_of_birth": D(1990, 1, 1), "experience": [{"occupation": "9999", "from": D(2020, 1, 1)}]})),
        "create float decimal": (clmis.ValidationError, lambda: s.create("vacancy", {
            "employer": emp, "job_title": "Cook", "occupation": "5120", "date_registered": D(2025, 5, 2),
            "wage_min": {"amount": 1500.0, "currency": "XCD"}})),
        "create under age": (clmis.ValidationError, lambda: s.create("job_seeker", {
            "registration_date": D(2025, 3, 3), "first_name": "Too", "family_name": "Young", "sex": "M",
            "date_of_birth": D(2020, 1, 1)})),
        "create naive datetime": (ValueError, lambda: s.create("employer", {"name": "X", "notes": dt.datetime(2025, 1, 1)})),
        "create unknown type": (clmis.NotFound, lambda: s.create("spaceship", {"name": "X"})),
        "create duplicate nis": (clmis.ValidationError, lambda: s.create("job_seeker", {
            "registration_date": D(2025, 3, 3), "first_name": "Other", "family_name": "Person", "sex": "F",
            "date_of_birth": D(1980, 1, 1), "nis_number": "1846398"})),
        "update invalid": (clmis.ValidationError, lambda: s.update("employer", emp, 1, {"workers_male": -1,
                                                               "contacts": [{"name": "ok"}, {"email": "x"}]})),
        "update stale": (clmis.Conflict, lambda: s.update("employer", emp, 7, {"name": "New"})),
        "update archived": (clmis.Conflict, lambda: s.update("employer", gone, 2, {"name": "Back"})),
        "update status by hand": (clmis.ValidationError, lambda: s.update("job_seeker", js, 2, {"status": "closed"})),
        "archive stale": (clmis.Conflict, lambda: s.archive("employer", emp, 9, "reason")),
        "archive archived": (clmis.Conflict, lambda: s.archive("employer", gone, 2, "again")),
        "archive without reason": (clmis.ValidationError, lambda: s.archive("employer", emp, 1, "")),
        "upsert invalid": (clmis.ValidationError, lambda: s.upsert("employer", "EXT-1", {"parish": "nowhere"})),
        "upsert other external_id": (clmis.ValidationError, lambda: s.upsert("employer", "EXT-1", {"external_id": "EXT-2"})),
        "upsert archived": (clmis.Conflict, lambda: s.upsert("employer", "EXT-GONE", {"name": "Back again"})),
        "transition wrong state": (clmis.Conflict, lambda: s.transition("job_seeker", js, 2, "activate")),
        "transition missing field": (clmis.ValidationError, lambda: s.transition("job_seeker", js, 2, "close")),
        "transition future date": (clmis.ValidationError, lambda: s.transition("job_seeker", js, 2, "close",
                                                       effective_date=D(2999, 1, 1), outcome="placed")),
        "transition before the last change": (clmis.ValidationError, lambda: s.transition("job_seeker", js, 2, "close",
                                                                  effective_date=D(2025, 1, 1), outcome="placed")),
        "transition stale": (clmis.Conflict, lambda: s.transition("job_seeker", js, 1, "close", outcome="placed")),
        "code add existing": (clmis.AlreadyExists, lambda: s.code_add("contract_type", {"code": "zero_hours", "label": {"en": "Z"}})),
        "code delete in use": (clmis.Conflict, lambda: s.code_delete("contract_type", "zero_hours")),
        "code update unknown": (clmis.NotFound, lambda: s.code_update("contract_type", "nope", {"active": False})),
        "batch that raises": (decimal.DivisionByZero, lambda: s.batch(lambda: (s.create("employer", {"name": "In batch"}),
                                                      s.update("employer", emp, 1, {"name": "Renamed"}),
                                                      Decimal(1) / Decimal(0)))),
        "batch with a bad write": (clmis.ValidationError, lambda: s.batch(lambda: (s.create("employer", {"name": "Fine"}),
                                                           s.create("employer", {"name": ""})))),
        "query invalid": (clmis.ValidationError, lambda: s.query("employer", {"no_field": 1})),
    }


CASES = list(refusals(None, {"emp": 0, "gone": 0, "js": 0}))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES)
def test_refused_operation_leaves_the_database_unchanged(case: str, session: clmis.Session,
                                                        world: Dict[str, Any], db_path: Path) -> None:
    expected, operation = refusals(session, world)[case]
    before = digest(db_path)
    with pytest.raises(expected):
        operation()
    assert digest(db_path) == before


def test_the_digest_sees_a_change(session: clmis.Session, world: Dict[str, Any], db_path: Path) -> None:
    before = digest(db_path)
    session.update("employer", world["emp"], 1, {"workers_female": 3})
    assert digest(db_path) != before


def test_failed_login_only_grows_the_security_log(db: clmis.Database, world: Dict[str, Any], db_path: Path) -> None:
    before = digest(db_path)
    log = sql(db_path, "SELECT count(*) FROM clmis_security_log")[0][0]
    with pytest.raises(clmis.AuthError):
        db.login("admin", PASSWORD + "x")
    assert digest(db_path) == before
    assert sql(db_path, "SELECT count(*) FROM clmis_security_log")[0][0] == log + 1
