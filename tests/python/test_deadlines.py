"""The deadlines of a complaint through Python: dates typed, changes with their reasons, a later
proclamation moving a running deadline, and refusals that change nothing (conftest.digest).
Due dates worked out by hand from data/holidays/KNA.json."""
import datetime
from pathlib import Path

import pytest

import clmis
from conftest import digest

D = datetime.date


def complaint(session: clmis.Session, received: str) -> int:
    return session.create("complaint", {"date_received": received, "first_name": "Ann", "family_name": "Hodge",
                                        "sex": "F", "employer_name": "Sugar Bay Hotel"})


def test_deadlines_are_started_typed_and_explained(session: clmis.Session) -> None:
    cid = complaint(session, "2024-12-20")
    got = {d["deadline"]: d for d in session.deadlines("complaint", cid, as_of="2025-01-01")}
    # Friday 2024-12-20 + 5 working days past Christmas and Boxing Day: Tuesday 2024-12-31.
    assert got["complaint.acknowledge"]["due"] == D(2024, 12, 31)
    assert got["complaint.acknowledge"]["overdue"] is True
    assert got["complaint.acknowledge"]["verified"] is False
    # + 90 calendar days: Dec 21-31 are 11, January 42, February 70, March 20 is 90.
    assert got["complaint.resolution"]["due"] == D(2025, 3, 20)
    ex = session.deadline_explain("complaint", cid, "complaint.acknowledge")
    assert [d["date"] for d in ex["skipped"]] == [D(2024, 12, 21), D(2024, 12, 22), D(2024, 12, 25), D(2024, 12, 26),
                                                   D(2024, 12, 28), D(2024, 12, 29)]
    assert any("Christmas" in r for r in ex["skipped"][2]["reasons"])


def test_extend_clear_and_a_later_proclamation(session: clmis.Session) -> None:
    cid = complaint(session, "2024-12-20")
    # Assigned Thursday 2025-01-02: first hearing 15 working days later, Thursday 2025-01-23.
    session.transition("complaint", cid, 1, "assign", effective_date="2025-01-02")
    r = session.deadline_change("complaint", cid, "complaint.first_hearing", "extend", days=2,
                                reason="the employer asked for time", date="2025-01-10")
    # Two more working days: Friday 24, Monday 27.
    assert r["due"] == D(2025, 1, 27) and r["extension"] == 2
    # A day of mourning proclaimed on Monday 2025-01-20 moves it to Tuesday 2025-01-28.
    moved = session.proclaim("2025-01-20", name="Day of mourning")["deadlines_moved"]
    assert moved == [{"record_type": "complaint", "record_id": cid, "deadline": "complaint.first_hearing",
                      "from": "2025-01-27", "to": "2025-01-28"}]
    r = session.deadline_change("complaint", cid, "complaint.acknowledge", "clear", reason="acknowledged by phone",
                                date=D(2025, 1, 12))
    assert r["state"] == "cleared" and r["cleared_on"] == D(2025, 1, 12)


def test_bad_changes_are_refused_and_change_nothing(session: clmis.Session, db_path: Path) -> None:
    cid = complaint(session, "2025-03-03")
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.deadline_change("complaint", cid, "complaint.resolution", "pause")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("reason", "required")]
    with pytest.raises(clmis.ValidationError):
        session.deadline_change("complaint", cid, "complaint.resolution", "snooze", reason="x")
    with pytest.raises(clmis.ValidationError):
        session.deadline_change("complaint", cid, "complaint.resolution", "extend", reason="x", days=0)
    with pytest.raises(clmis.Conflict):
        session.deadline_change("complaint", cid, "complaint.resolution", "resume")
    with pytest.raises(clmis.NotFound):
        session.deadline_change("complaint", cid, "complaint.first_hearing", "clear", reason="x")
    with pytest.raises(clmis.NotFound):
        session.deadlines("employer", 1)
    with pytest.raises(clmis.ValidationError):
        session.deadlines("complaint", cid, as_of="31/12/2024")
    assert digest(db_path) == before


def test_assign_queue_and_ageing(session: clmis.Session, db_path: Path) -> None:
    session.user_create("off1", password="pw-long-off1", roles=["officer"], section="industrial_relations",
                        must_change_password=False)
    cid = complaint(session, "2025-03-03")
    assert session.assign("complaint", cid, "off1", reason="first case")["assigned_to"] == "off1"
    # Monday 2025-03-03 + 5 working days = Monday 2025-03-10: 2 days overdue on 2025-03-12.
    q = session.queue(officer="off1", overdue=True, as_of=D(2025, 3, 12))
    assert q["as_of"] == D(2025, 3, 12)
    assert [(r["deadline"], r["due"], r["days_overdue"]) for r in q["rows"]] == [
        ("complaint.acknowledge", D(2025, 3, 10), 2)]
    # 9 days old on 2025-03-12.
    assert session.ageing(as_of="2025-03-12")["rows"][0]["0-30"] == 1
    assert [a["assigned_to"] for a in session.assignments("complaint", cid)] == ["off1"]
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError):
        session.assign("complaint", cid, "nobody")
    with pytest.raises(clmis.Conflict):
        session.assign("complaint", cid, "off1")
    with pytest.raises(ValueError):
        session.assign("complaint", cid, "")
    with pytest.raises(clmis.ValidationError):
        session.queue(limit=0)
    assert digest(db_path) == before
    assert session.assign("complaint", cid, None)["assigned_to"] is None


def test_timeline(session: clmis.Session) -> None:
    cid = complaint(session, "2025-03-03")
    session.transition("complaint", cid, 1, "assign", effective_date="2025-03-04")
    session.deadline_change("complaint", cid, "complaint.resolution", "extend", days=5, reason="more time",
                            date="2025-03-06")
    got = [(e["event"], e["date"], e.get("deadline")) for e in session.timeline("complaint", cid)][1:]
    assert got == [("initial", D(2025, 3, 3), None),
                   ("deadline start", D(2025, 3, 3), "complaint.acknowledge"),
                   ("deadline start", D(2025, 3, 3), "complaint.resolution"),
                   ("assign", D(2025, 3, 4), None),
                   ("deadline start", D(2025, 3, 4), "complaint.first_hearing"),
                   ("deadline extend", D(2025, 3, 6), "complaint.resolution")]
    assert isinstance(session.timeline("complaint", cid)[0]["at"], datetime.datetime)
    with pytest.raises(clmis.NotFound):
        session.timeline("complaint", 999)
