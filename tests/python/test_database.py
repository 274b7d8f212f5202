"""clmis.create, clmis.open, login, schema, codes, close and the context manager."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import clmis
from conftest import PASSWORD, header_version, sql


def test_package_surface() -> None:
    assert clmis.__version__ == header_version()
    assert sorted(clmis.__all__) == sorted(set(clmis.__all__))
    for name in clmis.__all__:
        assert hasattr(clmis, name), name
    package = Path(clmis.__file__).parent
    for stub in ("py.typed", "__init__.pyi", "_core.pyi"):
        assert (package / stub).is_file(), stub


def test_create_makes_a_clmis_file_with_the_admin(db_path: Path) -> None:
    db = clmis.create(db_path, country="KNA", admin_password=PASSWORD)
    try:
        assert db.path == str(db_path)
        assert not db.closed
        # Independently: the file is SQLite with the administrator and no other user.
        assert sql(db_path, "SELECT name, active FROM clmis_user") == [("admin", 1)]
        assert repr(db) == f"<clmis.Database {str(db_path)!r}>"
    finally:
        db.close()
    assert db.closed
    assert repr(db).endswith(" closed>")


def test_create_with_another_admin_and_a_str_path(tmp_path: Path) -> None:
    path = str(tmp_path / "other.db")
    with clmis.create(path, country="LCA", admin_password=PASSWORD, admin_user="registrar") as db:
        s = db.login("registrar", PASSWORD)
        assert s.user == "registrar"
        assert db.schema()["country"]["iso3"] == "LCA"
        with pytest.raises(clmis.AuthError):
            db.login("admin", PASSWORD)


def test_create_refuses_an_existing_file_and_leaves_it(db_path: Path) -> None:
    db_path.write_bytes(b"not mine")
    with pytest.raises(clmis.AlreadyExists) as e:
        clmis.create(db_path, country="KNA", admin_password=PASSWORD)
    assert e.value.code == clmis.AlreadyExists.code
    assert db_path.read_bytes() == b"not mine"


def test_create_refuses_a_short_password_and_leaves_no_file(db_path: Path) -> None:
    with pytest.raises(clmis.ValidationError) as e:
        clmis.create(db_path, country="KNA", admin_password="short")
    assert [x["rule"] for x in e.value.errors] == ["length"]
    assert not db_path.exists()


def test_create_with_an_unknown_country(db_path: Path) -> None:
    with pytest.raises(clmis.NotFound):
        clmis.create(db_path, country="QZQ", admin_password=PASSWORD)  # no country has this code
    assert not db_path.exists()


def test_create_arguments_are_keyword_only(db_path: Path) -> None:
    with pytest.raises(TypeError):
        clmis.create(db_path, "KNA", PASSWORD)  # type: ignore[misc]


def test_open_missing_file_is_not_found_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(clmis.NotFound):
        clmis.open(path)
    assert not path.exists()


def test_open_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"\x00garbage" * 512)
    with pytest.raises(clmis.StorageError) as e:
        clmis.open(path)
    assert e.value.code == clmis.StorageError.code


def test_open_login_and_context_manager(db: clmis.Database, db_path: Path) -> None:
    s0 = db.login("admin", PASSWORD)
    eid = s0.create("employer", {"name": "Frigate Bay Resorts Ltd", "parish": "KN-03"})
    db.close()
    with clmis.open(db_path, busy_timeout_ms=100) as db2:
        assert isinstance(db2, clmis.Database)
        s = db2.login("admin", PASSWORD)
        assert s.get("employer", eid)["name"] == "Frigate Bay Resorts Ltd"
        assert repr(s) == f"<clmis.Session user='admin' database={str(db_path)!r}>"
        assert s.database.path == str(db_path)
    assert db2.closed
    # The block closed the database: the session refuses to work.
    with pytest.raises(clmis.Misuse):
        s.get("employer", eid)
    with pytest.raises(clmis.Misuse):
        db2.schema()


def test_context_manager_closes_on_an_exception(db: clmis.Database, db_path: Path) -> None:
    db.close()
    with pytest.raises(ZeroDivisionError):
        with clmis.open(db_path) as d:
            s = d.login("admin", PASSWORD)
            1 / 0
    assert d.closed
    with pytest.raises(clmis.Misuse):
        s.query("employer")


def test_close_is_idempotent(db: clmis.Database) -> None:
    db.close()
    db.close()
    assert db.closed


def test_open_accepts_path_like_and_options(db: clmis.Database, db_path: Path) -> None:
    db.close()

    class Where(os.PathLike):  # type: ignore[type-arg]
        def __fspath__(self) -> str:
            return str(db_path)

    with clmis.open(Where(), busy_timeout_ms=0, data_dir=None, upgrade=False) as d:
        assert d.path == str(db_path)
    with pytest.raises(clmis.Misuse):
        clmis.open(db_path, busy_timeout_ms=-1)


def test_open_with_upgrade_on_a_current_database(db: clmis.Database, session: clmis.Session,
                                                 db_path: Path) -> None:
    eid = session.create("employer", {"name": "Kept Ltd"})
    db.close()
    # The embedded pack is the one stored: nothing to migrate, everything kept.
    with clmis.open(db_path, upgrade=True) as d:
        assert d.login("admin", PASSWORD).get("employer", eid)["name"] == "Kept Ltd"
    assert sql(db_path, "SELECT count(*) FROM employer")[0][0] == 1


def test_open_with_a_different_pack_is_a_pack_error(db: clmis.Database, db_path: Path) -> None:
    from conftest import FIXTURE_DATA

    db.close()
    with pytest.raises(clmis.PackError):
        clmis.open(db_path, data_dir=FIXTURE_DATA)


def test_open_a_newer_database_is_a_version_error(db: clmis.Database, db_path: Path) -> None:
    import sqlite3

    db.close()
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE clmis_meta SET value = '999' WHERE key = 'format'")
    con.close()
    with pytest.raises(clmis.VersionError) as e:
        clmis.open(db_path)
    assert e.value.code == clmis.VersionError.code


def test_login_failures(db: clmis.Database, db_path: Path) -> None:
    with pytest.raises(clmis.AuthError) as wrong_password:
        db.login("admin", "wrong-password")
    with pytest.raises(clmis.AuthError) as wrong_user:
        db.login("nobody", PASSWORD)
    # Which of the two was wrong is not told.
    assert str(wrong_password.value) == str(wrong_user.value)
    # Both were written to the security log.
    assert sql(db_path, "SELECT count(*) FROM clmis_security_log")[0][0] >= 2


def test_schema(db: clmis.Database) -> None:
    schema = db.schema()
    assert schema["country"]["iso3"] == "KNA"
    assert schema["country"]["currency"] == "XCD"
    types = {t["name"]: t for t in schema["record_types"]}
    assert {"employer", "establishment", "organisation", "job_seeker", "vacancy"} <= set(types)
    js = types["job_seeker"]
    assert [s["name"] for s in js["sections"]] == ["education", "experience", "skills", "desired_occupations"]
    assert js["workflow"]["initial"] == "registered"
    assert {t["name"] for t in js["workflow"]["transitions"]} == {"activate", "deactivate", "reactivate", "close"}


def test_codes_with_languages(db: clmis.Database, db_path: Path) -> None:
    # Expected: the parish list as stored, in its declared order (independently, via sqlite3).
    stored = [r[0] for r in sql(db_path, "SELECT code FROM clmis_code WHERE list = 'parish' ORDER BY position")]
    parishes = db.codes("parish")
    assert [c["code"] for c in parishes] == stored
    assert set(parishes[0]) == {"code", "label", "parent", "level", "active"}
    # Expected labels: the pack file's.
    import json

    from conftest import SOURCE

    pack = json.loads((SOURCE / "data" / "packs" / "standard" / "pack.json").read_text(encoding="utf-8"))
    (sex,) = [cl for cl in pack["code_lists"] if cl["name"] == "sex"]
    for lang in ("en", "es", "nl"):
        got = {c["code"]: c["label"] for c in db.codes("sex", lang)}
        assert got == {c["code"]: c["label"][lang] for c in sex["codes"]}
    with pytest.raises(clmis.NotFound):
        db.codes("no_such_list")
