"""A dispute (Form 11 Dispute Settlement Report, issue 16) through Python: created, conciliated,
a conciliation meeting entered, closed, and its timeline read back; a refused move changes
nothing (conftest.digest). Due dates worked out by hand on the KNA calendar
(data/holidays/KNA.json: no public holiday in March, April or the first days of May 2025)."""
import datetime
from pathlib import Path

import pytest

import clmis
from conftest import digest

D = datetime.date


def test_dispute_created_closed_and_its_timeline(session: clmis.Session, db_path: Path) -> None:
    union = session.create("organisation", {"name": "Sugar Bay Workers' Union", "kind": "trade_union"})
    employer = session.create("employer", {"name": "Sugar Bay Hotel", "isic_class": "5510", "parish": "KN-03"})
    did = session.create("dispute", {"date_reported": "2025-03-03", "dispute_type": "rights",
                                     "issues": "Overtime rates on public holidays",
                                     "workers_covered_male": 12, "workers_covered_female": 30,
                                     "unions": [{"organisation": union, "role": "bargaining agent"}],
                                     "employers": [{"employer": employer}]})
    r = session.get("dispute", did)
    assert r["case_no"] == "DS-000001"
    assert r["status"] == "reported"
    assert r["date_reported"] == D(2025, 3, 3)
    assert r["unions"] == [{"organisation": union, "role": "bargaining agent"}]

    v = session.transition("dispute", did, 1, "conciliate", effective_date="2025-03-04")
    v = session.update("dispute", did, v, {"meetings": [{"date": "2025-03-06", "attendance": "both", "result": "agreement"}]})
    v = session.transition("dispute", did, v, "close", effective_date=D(2025, 3, 10), outcome="agreement",
                           closed_note="signed by both parties")
    r = session.get("dispute", did)
    assert (r["status"], r["outcome"], r["closed_note"]) == ("closed", "agreement", "signed by both parties")

    # Monday 2025-03-03 + 10 working days: Tue 4 - Fri 7, Mon 10 - Fri 14, Mon 17 → 2025-03-17, met
    # by the meeting of 2025-03-06; + 60 calendar days: March 4-31 are 1-28, April 29-58, May 2
    # is 60 → 2025-05-02, met by the close of 2025-03-10.
    got = {d["deadline"]: (d["state"], d["due"], d["met_on"]) for d in session.deadlines("dispute", did)}
    assert got == {"dispute.first_meeting": ("met", D(2025, 3, 17), D(2025, 3, 6)),
                   "dispute.resolution": ("met", D(2025, 5, 2), D(2025, 3, 10))}

    timeline = session.timeline("dispute", did)
    events = [(e["event"], e["date"], e.get("deadline")) for e in timeline if e["event"] != "assigned"][1:]
    assert events == [("initial", D(2025, 3, 3), None),
                      ("deadline start", D(2025, 3, 3), "dispute.first_meeting"),
                      ("deadline start", D(2025, 3, 3), "dispute.resolution"),
                      ("conciliate", D(2025, 3, 4), None),
                      ("deadline meet", D(2025, 3, 6), "dispute.first_meeting"),
                      ("close", D(2025, 3, 10), None),
                      ("deadline meet", D(2025, 3, 10), "dispute.resolution")]
    # Conciliating gave the case to the user who took the transition (nobody had it).
    assigned = [e for e in timeline if e["event"] == "assigned"]
    assert [(e["to"], e["reason"]) for e in assigned] == [("admin", "transition conciliate")]
    assert isinstance(timeline[0]["at"], datetime.datetime)

    # A closed dispute does not close again: Conflict, and nothing changed.
    before = digest(db_path)
    with pytest.raises(clmis.Conflict):
        session.transition("dispute", did, v, "close", effective_date="2025-03-11", outcome="withdrawn")
    # Nor does it name a union that is not registered.
    with pytest.raises(clmis.ValidationError) as e:
        session.update("dispute", did, v, {"unions": [{"organisation": 999}]})
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("unions[0].organisation", "reference")]
    assert digest(db_path) == before
