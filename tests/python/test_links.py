"""Links between records through Python: made, listed from both ends with typed times, removed
with a reason, in the timeline, and refused (with nothing changed, conftest.digest)."""
import datetime

import pytest

import clmis
from conftest import digest


def complaint(session: clmis.Session, received: str) -> int:
    return session.create("complaint", {"date_received": received, "first_name": "Ann", "family_name": "Hodge",
                                        "sex": "F", "employer_name": "Sugar Bay Hotel"})


def test_links_from_both_ends_and_in_the_timeline(session: clmis.Session) -> None:
    a, b = complaint(session, "2025-03-03"), complaint(session, "2025-04-01")
    link = session.link("complaint", a, "complaint", b, relation="led_to", note="same employer")
    assert (link["relation"], link["direction"], link["to_id"], link["note"]) == ("led_to", "from", b, "same employer")
    assert isinstance(link["at"], datetime.datetime) and link["at"].tzinfo is not None
    (seen,) = session.links("complaint", b)
    assert (seen["id"], seen["direction"], seen["from_id"]) == (link["id"], "to", a)
    removed = session.unlink(link["id"], "wrong complaint")
    assert removed["removed"]["reason"] == "wrong complaint"
    events = [(e["event"], e.get("relation")) for e in session.timeline("complaint", b)]
    assert events[-2:] == [("linked", "led_to"), ("unlinked", "led_to")]


def test_bad_links_change_nothing(session: clmis.Session, db_path) -> None:
    a = complaint(session, "2025-03-03")
    emp = session.create("employer", {"name": "Sugar Bay Hotel", "isic_class": "5510", "parish": "KN-03"})
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.link("complaint", a, "complaint", a)
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("to_id", "reference")]
    with pytest.raises(clmis.ValidationError) as e:
        session.link("complaint", a, "employer", emp, relation="because")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("relation", "code_list")]
    with pytest.raises(clmis.ValidationError) as e:
        session.link("complaint", a, "employer", emp + 1)
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("to_id", "reference")]
    with pytest.raises(clmis.NotFound):
        session.link("complaint", 999, "complaint", a)
    with pytest.raises(clmis.NotFound):
        session.unlink(999, "gone")
    assert digest(db_path) == before
