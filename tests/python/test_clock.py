"""The clock a program gives clmis.open / clmis.create: every timestamp, today and lockout expiry
read it (an int of UTC seconds, or an aware datetime)."""
import datetime
from pathlib import Path
from typing import List

import pytest

import clmis
from conftest import PASSWORD, digest, sql

# 2025-06-01T12:00:00Z: 2025-01-01 is 1735689600 s after 1970; + 151 days (Jan..May) and 12 h.
JUNE_1_NOON = 1735689600 + 151 * 86400 + 12 * 3600


def test_moving_the_clock_lets_a_lockout_expire(tmp_path: Path) -> None:
    now: List[int] = [JUNE_1_NOON]
    path = tmp_path / "nlad.db"
    with clmis.create(path, country="KNA", admin_password=PASSWORD, clock=lambda: now[0]) as db:
        admin = db.login("admin", PASSWORD)
        admin.user_create("keisha", password="first-password-1", roles=["officer"],
                          section="employment_services", must_change_password=False)
        for _ in range(5):
            with pytest.raises(clmis.AuthError):
                db.login("keisha", "wrong-guess")
        assert sql(path, "SELECT locked_until FROM clmis_login_state") == [("2025-06-01T12:15:00Z",)]
        now[0] += 15 * 60 - 1
        with pytest.raises(clmis.AuthError):
            db.login("keisha", "first-password-1")  # the right password, one second too early
        now[0] += 1
        assert db.login("keisha", "first-password-1").user == "keisha"
        assert sql(path, "SELECT at FROM clmis_audit ORDER BY id DESC LIMIT 1") == [("2025-06-01T12:15:00Z",)]


def test_an_aware_datetime_clock_and_today_in_the_country(tmp_path: Path) -> None:
    # 02:00 UTC on 1 March 2024 is still 29 February in Saint Kitts (UTC-4).
    t = datetime.datetime(2024, 3, 1, 2, 0, 0, 999999, tzinfo=datetime.timezone.utc)
    with clmis.create(tmp_path / "a.db", country="KNA", admin_password=PASSWORD, clock=lambda: t) as db:
        assert db.today() == datetime.date(2024, 2, 29)
        s = db.login("admin", PASSWORD)
        eid = s.create("employer", {"name": "Basseterre Bottling Co.", "isic_class": "1104", "parish": "KN-03"})
        # Fractions of a second are dropped.
        assert s.get("employer", eid)["created_at"] == datetime.datetime(2024, 3, 1, 2, 0, 0, tzinfo=datetime.timezone.utc)
    with clmis.open(tmp_path / "a.db", clock=lambda: datetime.datetime(2024, 3, 1, 5, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-4)))) as db:
        assert db.today() == datetime.date(2024, 3, 1)  # 09:00 UTC


def test_a_bad_clock_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nlad.db"
    clmis.create(path, country="KNA", admin_password=PASSWORD).close()
    before = digest(path)

    def naive() -> datetime.datetime:
        return datetime.datetime(2025, 6, 1, 12, 0)

    def broken() -> int:
        raise RuntimeError("the time server is down")

    for clock, words in ((naive, "naive datetime"), (broken, "the time server is down"),
                         (lambda: "noon", "'noon'"), (lambda: -1, "outside 1970-01-01"),
                         (lambda: True, "True"), (lambda: 2**70, "cannot use")):
        with clmis.open(path, clock=clock) as db:
            with pytest.raises(clmis.Misuse) as e:
                db.login("admin", PASSWORD)
            assert words in str(e.value)
            with pytest.raises(clmis.Misuse):
                db.today()
    assert digest(path) == before
    with pytest.raises(TypeError):
        clmis.open(path, clock=42)  # type: ignore[arg-type]
