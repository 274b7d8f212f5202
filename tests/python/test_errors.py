"""The exception classes: one per status code of the C API, each raised by a real failure with
.code, and ValidationError with .errors (the list of DESIGN.md §5)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Dict, Type

import pytest

import clmis
from conftest import FIXTURE_DATA, PASSWORD, header_constants

# The class of each C status code (docs/c-api.md, "Errors"); the numbers come from clmis.h.
CLASS_OF_CONSTANT: Dict[str, Type[clmis.Error]] = {
    "CLMIS_ERROR": clmis.Error,
    "CLMIS_EINVALID": clmis.ValidationError,
    "CLMIS_ENOTFOUND": clmis.NotFound,
    "CLMIS_EEXISTS": clmis.AlreadyExists,
    "CLMIS_ECONFLICT": clmis.Conflict,
    "CLMIS_EDENIED": clmis.PermissionDenied,
    "CLMIS_EAUTH": clmis.AuthError,
    "CLMIS_EBUSY": clmis.Busy,
    "CLMIS_EMISUSE": clmis.Misuse,
    "CLMIS_EPACK": clmis.PackError,
    "CLMIS_EIO": clmis.StorageError,
    "CLMIS_EVERSION": clmis.VersionError,
}


def test_class_codes_are_the_c_status_codes() -> None:
    constants = header_constants()
    for constant, cls in CLASS_OF_CONSTANT.items():
        assert cls.code == constants[constant], cls
    assert len({cls.code for cls in CLASS_OF_CONSTANT.values()}) == len(CLASS_OF_CONSTANT)


def test_hierarchy() -> None:
    assert issubclass(clmis.Error, Exception)
    for cls in CLASS_OF_CONSTANT.values():
        assert issubclass(cls, clmis.Error)
        assert cls.__module__ == "clmis"
        assert cls.__name__ in clmis.__all__
        assert cls.__doc__
        if cls is not clmis.Error:
            assert cls.__bases__ == (clmis.Error,)


def raise_validation(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    s.create("employer", {"name": ""})


def raise_not_found(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    s.get("employer", 404)


def raise_exists(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    clmis.create(path, country="KNA", admin_password=PASSWORD)


def raise_conflict(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    eid = s.create("employer", {"name": "Stale"})
    s.update("employer", eid, 1, {"name": "Fresh"})
    s.update("employer", eid, 1, {"name": "Stale again"})


def raise_auth(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    db.login("admin", "not-the-password")


def raise_busy(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the database
        with clmis.open(path, busy_timeout_ms=0) as impatient:
            impatient.login("admin", PASSWORD).create("employer", {"name": "Waiting"})
    finally:
        other.execute("ROLLBACK")
        other.close()


def raise_misuse(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    db.close()
    s.get("employer", 1)


def raise_pack(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    db.close()
    clmis.open(path, data_dir=FIXTURE_DATA)


def raise_storage(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    junk = path.with_name("junk.db")
    junk.write_bytes(b"this is not SQLite" * 100)
    clmis.open(junk)


def raise_version(db: clmis.Database, s: clmis.Session, path: Path) -> None:
    db.close()
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE clmis_meta SET value = '999' WHERE key = 'format'")
    con.close()
    clmis.open(path)


RAISERS: Dict[Type[clmis.Error], Callable[[clmis.Database, clmis.Session, Path], None]] = {
    clmis.ValidationError: raise_validation,
    clmis.NotFound: raise_not_found,
    clmis.AlreadyExists: raise_exists,
    clmis.Conflict: raise_conflict,
    clmis.AuthError: raise_auth,
    clmis.Busy: raise_busy,
    clmis.Misuse: raise_misuse,
    clmis.PackError: raise_pack,
    clmis.StorageError: raise_storage,
    clmis.VersionError: raise_version,
}


@pytest.mark.parametrize("cls", list(RAISERS), ids=lambda c: c.__name__)
def test_each_class_is_raised_with_its_code(cls: Type[clmis.Error], db: clmis.Database,
                                            session: clmis.Session, db_path: Path) -> None:
    with pytest.raises(cls) as e:
        RAISERS[cls](db, session, db_path)
    assert type(e.value) is cls
    assert e.value.code == cls.code
    assert str(e.value)  # a message for people
    # Caught by the base class like any other clmis error.
    try:
        raise e.value
    except clmis.Error as base:
        assert base.code == cls.code


def test_permission_denied_is_ready() -> None:
    # The class and its code; refusals themselves are tested in test_security.py.
    err = clmis.PermissionDenied("not allowed")
    assert isinstance(err, clmis.Error) and err.code == header_constants()["CLMIS_EDENIED"]


def test_validation_error_lists_every_problem(session: clmis.Session) -> None:
    with pytest.raises(clmis.ValidationError) as e:
        session.create("employer", {"name": "", "parish": "KN-99", "workers_male": -4, "colour": "blue",
                                    "contacts": [{"position": "clerk"}]})
    errors = e.value.errors
    assert isinstance(errors, list)
    for x in errors:
        assert set(x) == {"record", "path", "value", "rule", "message"}
        assert x["record"] == "employer" and x["message"]
    assert sorted((x["path"], x["value"], x["rule"]) for x in errors) == [
        ("colour", "blue", "unknown_field"),
        ("contacts[0].name", None, "required"),
        ("name", "", "required"),
        ("parish", "KN-99", "code_list"),
        ("workers_male", -4, "range"),
    ]


def test_validation_error_of_a_query(session: clmis.Session) -> None:
    with pytest.raises(clmis.ValidationError) as e:
        session.query("employer", [{"field": "shoe_size", "op": "eq", "value": 9},
                                   {"field": "name", "op": "like", "value": "x"}])
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("filter[0].field", "query"), ("filter[1].op", "query")]


def test_exceptions_from_python_arguments_are_not_clmis_errors(session: clmis.Session) -> None:
    # Conversions refused before the library is called are ordinary Python errors.
    with pytest.raises(TypeError) as e:
        session.create("employer", {"name": b"bytes"})
    assert not isinstance(e.value, clmis.Error)
