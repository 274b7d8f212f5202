"""Security through Python: roles, masking (also in DataFrames), accounts, service keys and the
audit trail."""
from pathlib import Path
import sqlite3
from typing import Any, Dict

import pytest

import clmis
from conftest import PASSWORD, digest


def job_seeker(n: int) -> Dict[str, Any]:
    return {"registration_date": "2025-03-03", "first_name": f"Keisha{n}", "family_name": "Liburd",
            "nis_number": str(500000 + n), "sex": "F", "date_of_birth": "1990-02-10", "parish": "KN-03"}


@pytest.fixture
def standard(tmp_path: Path) -> clmis.Database:
    return clmis.create(tmp_path / "std.db", country="KNA", admin_password=PASSWORD)


def test_a_statistician_sees_masked_records_also_in_pandas(standard: clmis.Database) -> None:
    admin = standard.login("admin", PASSWORD)
    for n in range(3):
        admin.create("job_seeker", job_seeker(n))
    admin.user_create("stat", password="statistics-pw-1", roles=["statistician"], must_change_password=False)
    stat = standard.login("stat", "statistics-pw-1")
    rec = stat.get("job_seeker", 1)
    assert rec["first_name"] is None and rec["nis_number"] is None
    assert rec["date_of_birth"] is None  # masked: None, not an age-group string
    assert rec["age_group"] in clmis.AGE_GROUPS  # the age group is not personal
    assert "date_of_birth" in rec["masked"] and "age_group" not in rec["masked"]
    df = stat.query("job_seeker").to_pandas()
    assert len(df) == 3
    assert str(df["date_of_birth"].dtype) == "datetime64[ns]" and df["date_of_birth"].isna().all()
    assert str(df["age_group"].dtype) == "category" and df["age_group"].cat.ordered
    assert df["first_name"].isna().all()
    # The administrator's frame has real dates.
    assert str(admin.query("job_seeker").to_pandas()["date_of_birth"].dtype) == "datetime64[ns]"
    assert stat.permissions()["record_types"]["job_seeker"] == {"read": "all", "export": "all"}


def test_refusals_are_permission_denied_and_change_nothing(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    admin.user_create("ro", password="read-only-pw-1", roles=["read_only"], must_change_password=False)
    ro = standard.login("ro", "read-only-pw-1")
    before = digest(tmp_path / "std.db")
    with pytest.raises(clmis.PermissionDenied) as e:
        ro.create("job_seeker", job_seeker(1))
    assert e.value.code == -6  # CLMIS_EDENIED
    assert "job_seeker.create" in str(e.value)
    with pytest.raises(clmis.PermissionDenied):
        ro.users()
    with pytest.raises(clmis.PermissionDenied):
        ro.query("job_seeker", filter=[{"field": "family_name", "op": "eq", "value": "Liburd"}])
    assert digest(tmp_path / "std.db") == before
    assert [e["event"] for e in admin.security_log()][-3:] == ["permission_denied"] * 3


def test_lockout_and_service_keys(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    admin.user_create("clerk", password="clerk-pw-1234", roles=["officer"], section="employment_services")
    for i in range(5):
        with pytest.raises(clmis.AuthError):
            standard.login("clerk", f"wrong-{i}")
    with pytest.raises(clmis.AuthError):
        standard.login("clerk", "clerk-pw-1234")  # locked
    admin.user_update("clerk", locked=False)
    s = standard.login("clerk", "clerk-pw-1234")
    with pytest.raises(clmis.PermissionDenied):
        s.query("job_seeker")  # must change the first password
    s.change_password("clerk-pw-1234", "clerk-new-pw-5678")
    assert s.query("job_seeker").to_pandas().empty
    k = admin.service_key_create("portal", roles=["officer"])
    svc = standard.login_service(k["key"], "clerk")
    assert svc.permissions()["service_key"] is True
    svc.create("job_seeker", job_seeker(7))
    admin.service_key_revoke("portal")
    with pytest.raises(clmis.PermissionDenied):
        svc.query("job_seeker")
    with pytest.raises(clmis.AuthError):
        standard.login_service(k["key"], "clerk")
    assert k["key"] not in repr(admin.service_keys())


def test_the_audit_trail_verifies_and_tampering_is_found(standard: clmis.Database, tmp_path: Path) -> None:
    admin = standard.login("admin", PASSWORD)
    admin.create("job_seeker", job_seeker(1))
    cp = admin.audit_checkpoint()
    assert admin.audit_verify(cp) == {"ok": True, "entries": cp["count"], "head": {"count": cp["count"], "mac": cp["mac"]},
                                      "first_bad": None, "problems": [], "checkpoint": "matches"}
    con = sqlite3.connect(tmp_path / "std.db")
    con.executescript("DROP TRIGGER clmis_audit_no_update; UPDATE clmis_audit SET detail = '{}' WHERE id = 3;")
    con.close()
    v = admin.audit_verify()
    assert v["ok"] is False and v["first_bad"] == 3
    # The key is a file of its own, owner-only; the database does not open without it.
    key = tmp_path / "std.db.key"
    assert key.stat().st_mode & 0o777 == 0o600
    key.rename(tmp_path / "moved.key")
    with pytest.raises(clmis.NotFound):
        clmis.open(tmp_path / "std.db")
    with clmis.open(tmp_path / "std.db", audit_key_file=tmp_path / "moved.key") as db:
        assert db.login("admin", PASSWORD).user == "admin"
