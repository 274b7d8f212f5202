"""The hostile tester's repros through Python (issue 12): Python values meet the same JSON limits
as JSON text (a list nested 100,000 deep or a dict of 200,000 keys is a ValidationError with rule
"json", not a crash, and changes nothing), and the logs read back whatever bytes are stored."""
from pathlib import Path
import sqlite3
from typing import Any, Dict, List

import pytest

import clmis
from conftest import PASSWORD, digest, sql


@pytest.fixture
def standard(tmp_path: Path) -> clmis.Database:
    return clmis.create(tmp_path / "std.db", country="KNA", admin_password=PASSWORD)


def deep_list(depth: int) -> List[Any]:
    v: List[Any] = []
    for _ in range(depth):
        v = [v]
    return v


def json_errors(e: pytest.ExceptionInfo) -> List[Dict[str, Any]]:  # type: ignore[type-arg]
    errors: List[Dict[str, Any]] = e.value.errors
    assert [x["rule"] for x in errors] == ["json"]
    return errors


def test_deep_values_and_huge_dicts_are_refused_and_change_nothing(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    before = digest(tmp_path / "std.db")
    deep = deep_list(100000)
    with pytest.raises(clmis.ValidationError) as e:
        admin.create("employer", {"name": deep})
    errs = json_errors(e)
    assert errs[0]["message"] == "malformed JSON: nested deeper than 64 levels"
    assert errs[0]["path"].startswith("record['name'][0][0]")
    # A dict of 200,000 keys stops at the 10,001st.
    with pytest.raises(clmis.ValidationError) as e:
        admin.create("employer", {f"k{i}": 0 for i in range(200000)})
    assert json_errors(e)[0]["message"] == "malformed JSON: a dict with more than 10000 keys"
    # A string over 1 MiB (1,048,576 bytes).
    with pytest.raises(clmis.ValidationError) as e:
        admin.create("employer", {"name": "x" * (1024 * 1024 + 1)})
    assert json_errors(e)[0]["message"] == "malformed JSON: a string of 1048577 bytes (at most 1048576)"
    # The same limits on the other inputs: a query filter, transition arguments, a user spec.
    with pytest.raises(clmis.ValidationError):
        admin.query("employer", filter=[{"field": "name", "op": "in", "value": deep}])
    with pytest.raises(clmis.ValidationError):
        admin.user_update("admin", roles=deep)
    assert digest(tmp_path / "std.db") == before
    # 64 levels are allowed by the conversion; the record's own rules then refuse the value.
    with pytest.raises(clmis.ValidationError) as e:
        admin.create("employer", {"name": deep_list(62)})
    assert e.value.errors[0]["rule"] == "type"


def test_a_failed_login_name_is_bounded_and_logs_read_back_any_bytes(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    with pytest.raises(clmis.AuthError):
        standard.login("n" * (10 * 1024 * 1024), "whatever-password")
    # 64 bytes of the name, "…" (3 bytes) and " (10485760 bytes)" (17 bytes): 84 bytes stored.
    assert sql(tmp_path / "std.db", "SELECT length(CAST(user_name AS BLOB)) FROM clmis_security_log") == [(84,)]
    # A name stored by an older clmis with bytes that are not UTF-8 reads back with U+FFFD.
    con = sqlite3.connect(tmp_path / "std.db")
    con.execute("INSERT INTO clmis_security_log (at, user_name, event, detail) VALUES "
                "('2026-01-01T00:00:00Z', CAST(X'6F6C64FF6E616D65' AS TEXT), 'login_failed', NULL)")
    con.commit()
    con.close()
    log = admin.security_log()
    assert [x["user"] for x in log] == ["n" * 64 + "\u2026 (10485760 bytes)", "old\ufffdname"]
    assert log[0]["detail"] == {"reason": "not a user name"}


def test_export_file_never_writes_over_the_database_or_an_existing_file(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    admin.create("employer", {"name": "Files Ltd", "isic_class": "5510", "parish": "KN-03"})
    db = tmp_path / "std.db"
    assert standard.files() == [str(db), f"{db}-wal", f"{db}-shm", f"{db}-journal", f"{db}.key"]
    before = digest(db)
    key = (tmp_path / "std.db.key").read_bytes()
    (tmp_path / "alias.db").symlink_to(db)
    for target in [db, tmp_path / "std.db.key", tmp_path / "alias.db", tmp_path / "." / "std.db"]:
        with pytest.raises(clmis.Misuse, match="is the database's own file"):
            admin.export_file("employer", target, replace=True)
    assert digest(db) == before and (tmp_path / "std.db.key").read_bytes() == key
    out = tmp_path / "employers.csv"
    out.write_text("precious\n")
    with pytest.raises(clmis.AlreadyExists):
        admin.export_file("employer", out)
    assert out.read_text() == "precious\n"
    assert admin.export_file("employer", out, replace=True) == 1
    assert out.read_text().splitlines()[0].startswith("id,version,external_id")
    assert (out.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_check_reports_records_that_today_s_rules_refuse(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    eid = admin.create("employer", {"name": "Bounds Ltd", "isic_class": "5510", "parish": "KN-03", "workers_male": 12})
    assert admin.check()["ok"] is True
    con = sqlite3.connect(tmp_path / "std.db")
    con.execute("UPDATE employer SET workers_male = 9223372036854775807 WHERE id = ?", (eid,))
    con.commit()
    con.close()
    report = admin.check()
    assert report["ok"] is False
    assert [(p["record_type"], p["id"], p["path"], p["rule"]) for p in report["records"]["problems"]] == [
        ("employer", eid, "workers_male", "range")]
    with pytest.raises(clmis.ValidationError) as e:
        admin.update("employer", eid, 1, {"telephone": "465 0000"})
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("workers_male", "range")]
    assert admin.update("employer", eid, 1, {"telephone": "465 0000", "workers_male": 12}) == 2
    assert admin.check()["ok"] is True
    files = clmis.check_files(tmp_path / "std.db")
    assert files["ok"] is True and [f["role"] for f in files["files"]] == ["database", "wal", "shm", "journal", "key"]


def test_backup_and_restore(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    admin.create("employer", {"name": "Kept Ltd", "isic_class": "5510", "parish": "KN-03"})
    r = admin.backup(tmp_path / "nightly.bak")
    assert (r["integrity"], r["key_path"]) == ("ok", str(tmp_path / "nightly.bak.key"))
    assert sql(tmp_path / "nightly.bak", "SELECT name FROM employer") == [("Kept Ltd",)]
    with pytest.raises(clmis.AlreadyExists):
        admin.backup(tmp_path / "nightly.bak")
    with pytest.raises(clmis.Misuse):
        admin.backup(tmp_path / "std.db", replace=True)
    out = clmis.restore(tmp_path / "nightly.bak", tmp_path / "restored.db")
    assert out["audit_entries"] == r["audit_entries"]
    with clmis.open(tmp_path / "restored.db") as db:
        s = db.login("admin", PASSWORD)
        assert s.get("employer", 1)["name"] == "Kept Ltd"
        assert s.check()["ok"] is True
    with pytest.raises(clmis.NotFound):
        clmis.restore(tmp_path / "nightly.bak", tmp_path / "r2.db", audit_key_file=tmp_path / "missing.key")
    assert not (tmp_path / "r2.db").exists()
