"""Every Session method on the standard pack: records with sections, versions, archive, upsert,
the change feed, warnings, lifecycles (transitions, history, status counts), Table Maintenance
and batches. Expected values are worked out by hand from the calls made, or read from the pack
file and the database file (sqlite3), never from clmis's own answers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import clmis
from conftest import SOURCE, dup_key, sql

D = dt.date
PACK: Dict[str, Any] = json.loads((SOURCE / "data" / "packs" / "standard" / "pack.json").read_text(encoding="utf-8"))
SYSTEM = ["id", "version", "created_at", "created_by", "updated_at", "updated_by", "external_id",
          "archived", "archive_reason"]


def pack_type(name: str) -> Dict[str, Any]:
    (t,) = [t for t in PACK["record_types"] if t["name"] == name]
    return t


def keisha(**extra: Any) -> Dict[str, Any]:
    r = {"registration_date": D(2025, 3, 3), "first_name": "Keisha", "family_name": "Liburd",
         "nis_number": "1846398", "sex": "F", "date_of_birth": D(1999, 7, 14), "parish": "KN-03",
         "city": "Basseterre",
         "education": [{"isced_level": "3", "institution": "Basseterre High School"}],
         "experience": [{"occupation": "5120", "employer_name": "Marriott",
                         "from": D(2017, 1, 9), "to": D(2019, 12, 31)}],
         "desired_occupations": [{"occupation": "5120"}]}
    r.update(extra)
    return r


def test_employer_with_a_section(session: clmis.Session, db_path: Path) -> None:
    eid = session.create("employer", {
        "name": "Frigate Bay Resorts Ltd", "isic_class": "5510", "parish": "KN-03",
        "email": "hr@frigatebay.example",
        "contacts": [{"name": "Maria Liburd", "position": "HR manager"}]})
    assert isinstance(eid, int) and eid > 0
    r = session.get("employer", eid)
    t = pack_type("employer")
    # The shape: system fields, the pack's fields in declared order, then the sections.
    assert list(r) == SYSTEM + [f["name"] for f in t["fields"]] + [s["name"] for s in t["sections"]]
    assert r["id"] == eid and r["version"] == 1 and r["archived"] is False
    assert r["created_by"] == r["updated_by"] == "admin"
    assert r["name"] == "Frigate Bay Resorts Ltd" and r["parish"] == "KN-03"
    assert r["status"] == "active"  # the pack's default
    assert r["workers_male"] is None
    assert r["contacts"] == [{"name": "Maria Liburd", "position": "HR manager", "telephone": None, "email": None}]
    # created_at: an aware UTC datetime equal to what the file holds.
    assert r["created_at"].tzinfo is dt.timezone.utc
    (stored,) = sql(db_path, "SELECT created_at FROM clmis_view_employer WHERE id = ?", eid)
    assert r["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ") == stored[0]
    assert sql(db_path, "SELECT name, position FROM employer__contacts WHERE parent_id = ?", eid) == [
        ("Maria Liburd", "HR manager")]


def test_update_versions_and_conflicts(session: clmis.Session, db_path: Path) -> None:
    eid = session.create("employer", {"name": "Sugar Bay Club", "parish": "KN-09", "workers_male": 4,
                                      "contacts": [{"name": "A"}, {"name": "B"}]})
    v2 = session.update("employer", eid, 1, {"workers_female": 11, "workers_male": None})
    assert v2 == 2
    r = session.get("employer", eid)
    assert (r["workers_female"], r["workers_male"], r["version"]) == (11, None, 2)
    # Nothing changed: the version stays.
    assert session.update("employer", eid, 2, {"workers_female": 11}) == 2
    # A section given replaces the section.
    assert session.update("employer", eid, 2, {"contacts": [{"name": "C", "email": "c@x.example"}]}) == 3
    assert [c["name"] for c in session.get("employer", eid)["contacts"]] == ["C"]
    assert sql(db_path, "SELECT name FROM employer__contacts WHERE parent_id = ?", eid) == [("C",)]
    # A stale version is refused.
    with pytest.raises(clmis.Conflict):
        session.update("employer", eid, 2, {"workers_female": 12})
    with pytest.raises(clmis.NotFound):
        session.update("employer", 999, 1, {"workers_female": 1})


def test_archive(session: clmis.Session) -> None:
    eid = session.create("employer", {"name": "Closing Down Ltd"})
    session.archive("employer", eid, 1, "duplicate of another registration")
    r = session.get("employer", eid)
    assert r["archived"] is True
    assert r["archive_reason"] == "duplicate of another registration"
    assert r["version"] == 2
    with pytest.raises(clmis.Conflict):
        session.archive("employer", eid, 2, "again")
    with pytest.raises(clmis.Conflict):
        session.update("employer", eid, 2, {"name": "Reopened"})
    with pytest.raises(clmis.ValidationError) as e:
        other = session.create("employer", {"name": "Other"})
        session.archive("employer", other, 1, "")
    assert e.value.errors[0]["rule"] == "required"
    assert [r["id"] for r in session.query("employer")] == [other]
    assert [r["id"] for r in session.query("employer", include_archived=True)] == [eid, other]


def test_upsert_outcomes(session: clmis.Session) -> None:
    a = session.upsert("employer", "NIS-40321", {"name": "Ocean Terrace Inn", "parish": "KN-03"})
    assert a[1] == "created"
    assert session.upsert("employer", "NIS-40321", {"name": "Ocean Terrace Inn"}) == (a[0], "unchanged")
    assert session.upsert("employer", "NIS-40321", {"name": "OTI"}) == (a[0], "updated")
    r = session.get("employer", a[0])
    assert (r["external_id"], r["name"], r["parish"], r["version"]) == ("NIS-40321", "OTI", "KN-03", 2)
    # Another record may not take the same external_id.
    with pytest.raises(clmis.AlreadyExists):
        session.create("employer", {"name": "Copy", "external_id": "NIS-40321"})


def test_changes_since(session: clmis.Session, db_path: Path) -> None:
    e1 = session.create("employer", {"name": "One"})                  # seq 1: create
    session.update("employer", e1, 1, {"name": "One Ltd"})           # seq 2: update
    session.update("employer", e1, 2, {"name": "One Ltd"})           # nothing changed: no seq
    e2, _ = session.upsert("employer", "X-2", {"name": "Two"})       # seq 3: create
    session.upsert("employer", "X-2", {"name": "Two"})               # unchanged: no seq
    session.archive("employer", e1, 2, "merged")                     # seq 4: archive
    try:
        session.create("employer", {"name": ""})                     # refused: no seq
    except clmis.ValidationError:
        pass
    feed = session.changes_since(0)
    got = [(c["seq"], c["record_type"], c["id"], c["op"], c["version"], c["by"]) for c in feed["changes"]]
    assert got == [(1, "employer", e1, "create", 1, "admin"),
                   (2, "employer", e1, "update", 2, "admin"),
                   (3, "employer", e2, "create", 1, "admin"),
                   (4, "employer", e1, "archive", 3, "admin")]
    assert feed["last_seq"] == 4
    assert all(isinstance(c["at"], dt.datetime) and c["at"].tzinfo is dt.timezone.utc for c in feed["changes"])
    assert sql(db_path, "SELECT seq, op FROM clmis_change ORDER BY seq") == [
        (1, "create"), (2, "update"), (3, "create"), (4, "archive")]
    assert [c["seq"] for c in session.changes_since(2)["changes"]] == [3, 4]
    page = session.changes_since(0, limit=1)
    assert [c["seq"] for c in page["changes"]] == [1] and page["last_seq"] == 1
    assert session.changes_since(4) == {"changes": [], "last_seq": 4}
    with pytest.raises(clmis.Misuse):
        session.changes_since(-1)


def test_job_seeker_sections_and_assigned_number(session: clmis.Session, db_path: Path) -> None:
    jid = session.create("job_seeker", keisha())
    r = session.get("job_seeker", jid)
    t = pack_type("job_seeker")
    # The fields in pack order, "age_group" (derived, not a pack field) right after the birth date.
    fields = [n for f in t["fields"] for n in ([f["name"], "age_group"] if f["name"] == "date_of_birth" else [f["name"]])]
    assert list(r) == SYSTEM + fields + [s["name"] for s in t["sections"]]
    # 1999-07-14: the age group is of today's date; only its shape is checked here.
    assert r["age_group"] in clmis.AGE_GROUPS
    (regno,) = [f for f in t["fields"] if f["name"] == "registration_no"]
    prefix, digits = regno["assigned"]["prefix"], regno["assigned"]["digits"]
    assert r["registration_no"] == prefix + str(1).zfill(digits)
    assert r["registration_date"] == D(2025, 3, 3) and r["date_of_birth"] == D(1999, 7, 14)
    assert r["status"] == "registered"  # the workflow's initial state
    assert r["education"][0]["isced_level"] == "3"
    assert r["experience"] == [{"occupation": "5120", "job_title": None, "employer_name": "Marriott",
                                "from": D(2017, 1, 9), "to": D(2019, 12, 31), "duties": None}]
    assert r["skills"] == []
    assert sql(db_path, 'SELECT occupation, "from", "to" FROM clmis_view_job_seeker__experience WHERE parent_id = ?', jid) == [
        ("5120", "2017-01-09", "2019-12-31")]


def test_possible_duplicate_warning(session: clmis.Session) -> None:
    first = session.create("job_seeker", keisha())
    assert session.warnings == []
    second = session.create("job_seeker", keisha(first_name="KEISHA", nis_number="2200456", education=[]))
    w = session.warnings
    assert len(w) == 1
    assert w[0]["rule"] == "possible_duplicate" and w[0]["other_id"] == first
    assert second != first
    # A refused write leaves no warning behind.
    with pytest.raises(clmis.ValidationError):
        session.create("job_seeker", keisha(nis_number="999", sex="X"))
    assert session.warnings == []


def test_possible_duplicate_keys(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    # Storage format 6 keeps each job seeker's possible-duplicate key (first name, family name,
    # birth date) in a column; the keys written by create, update and import are the ones the
    # definition gives (conftest.dup_key, written apart from clmis).
    (column,) = [r[0] for r in sql(db_path, "SELECT name FROM pragma_table_info('job_seeker') WHERE name GLOB 'clmis_dup_*'")]
    born = (D(1999, 7, 14) - D(1970, 1, 1)).days

    def key_of(rid: int) -> Any:
        return sql(db_path, f'SELECT "{column}" FROM job_seeker WHERE id = ?', rid)[0][0]

    a = session.create("job_seeker", keisha())
    assert key_of(a) == dup_key("Keisha", "Liburd", born) == dup_key("keisha", "LIBURD", born)
    session.update("job_seeker", a, 1, {"family_name": "Liburd-Hodge"})
    assert key_of(a) == dup_key("keisha", "liburd-hodge", born)
    # ASCII case is folded, other letters are not (as SQLite's lower(), which the exact
    # comparison uses): ZOË is not Zoë's possible duplicate, ZOë is.
    zoe = session.create("job_seeker", keisha(first_name="Zoë", nis_number="500", education=[]))
    assert session.warnings == []
    session.create("job_seeker", keisha(first_name="ZOË", nis_number="501", education=[]))
    assert session.warnings == []
    session.create("job_seeker", keisha(first_name="ZOë", nis_number="502", education=[]))
    assert [w["other_ids"] for w in session.warnings] == [[zoe]]
    # The old name no longer matches; the new one does, through the import path too.
    data = ("registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish\n"
            "2025-03-04,KEISHA,liburd,600,F,1999-07-14,KN-03\n"
            "2025-03-04,keisha,LIBURD-HODGE,601,F,1999-07-14,KN-03\n").encode("utf-8")
    (tmp_path / "k.csv").write_bytes(data)
    report = session.import_file("job_seeker", tmp_path / "k.csv")
    assert report["created"] == 2
    assert report["warnings"] == 1
    assert [(p["row"], p["rule"], p["message"]) for p in report["problems"]] == [
        (3, "possible_duplicate", f"possible duplicate: job_seeker {a} has the same first_name, family_name, date_of_birth")]
    for rid, first, family in sql(db_path, "SELECT id, first_name, family_name FROM job_seeker WHERE nis_number IN ('600', '601')"):
        assert key_of(rid) == dup_key(first, family, born)


def test_transitions_history_and_status_counts(session: clmis.Session) -> None:
    a = session.create("job_seeker", keisha(registration_date=D(2025, 1, 6)))
    b = session.create("job_seeker", keisha(first_name="Jomo", family_name="Browne", nis_number="77",
                                            sex="M", registration_date=D(2025, 2, 1)))
    c = session.create("job_seeker", keisha(first_name="Ava", family_name="Hodge", nis_number="78",
                                            registration_date=D(2025, 3, 20)))
    v = session.transition("job_seeker", a, 1, "activate", effective_date=D(2025, 1, 6))
    assert v == 2
    v = session.transition("job_seeker", a, v, "deactivate", effective_date=D(2025, 2, 10),
                           inactive_reason="training")
    assert session.get("job_seeker", a)["inactive_reason"] == "training"
    v = session.transition("job_seeker", a, v, "reactivate", effective_date="2025-03-03")
    assert session.get("job_seeker", a)["inactive_reason"] is None  # the transition clears it
    v = session.transition("job_seeker", a, v, "close", effective_date=D(2025, 4, 15), outcome="placed",
                           closed_note="hired as a cook")
    assert v == 5
    ra = session.get("job_seeker", a)
    assert (ra["status"], ra["outcome"], ra["closed_note"]) == ("closed", "placed", "hired as a cook")
    session.transition("job_seeker", b, 1, "activate", effective_date=D(2025, 2, 3))

    # Refusals: a state that does not allow it, a missing required field, an unknown transition,
    # a stale version, the status set by hand.
    with pytest.raises(clmis.Conflict):
        session.transition("job_seeker", a, 5, "close", outcome="placed")
    with pytest.raises(clmis.ValidationError) as e:
        session.transition("job_seeker", c, 1, "close")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("outcome", "required")]
    with pytest.raises(clmis.NotFound):
        session.transition("job_seeker", c, 1, "promote")
    with pytest.raises(clmis.Conflict):
        session.transition("job_seeker", b, 1, "deactivate", inactive_reason="training")
    with pytest.raises(clmis.ValidationError) as e:
        session.update("job_seeker", c, 1, {"status": "active"})
    assert e.value.errors[0]["rule"] == "read_only"

    # The history of a: its status rows, by hand.
    rows = [(h["event"], h["from"], h["to"], h["effective_date"])
            for h in session.history("job_seeker", a) if h["field"] == "status"]
    assert rows == [("initial", None, "registered", D(2025, 1, 6)),
                    ("activate", "registered", "active", D(2025, 1, 6)),
                    ("deactivate", "active", "inactive", D(2025, 2, 10)),
                    ("reactivate", "inactive", "active", D(2025, 3, 3)),
                    ("close", "active", "closed", D(2025, 4, 15))]
    assert all(isinstance(h["at"], dt.datetime) and h["by"] == "admin" for h in session.history("job_seeker", a))

    # Stocks on month ends, worked out from the dates above:
    #   a: registered+active 01-06, inactive 02-10, active 03-03, closed 04-15
    #   b: registered 02-01, active 02-03;  c: registered 03-20
    expected = {
        D(2024, 12, 31): dict(registered=0, active=0, inactive=0, closed=0),
        D(2025, 1, 31): dict(registered=0, active=1, inactive=0, closed=0),
        D(2025, 2, 28): dict(registered=0, active=1, inactive=1, closed=0),
        D(2025, 3, 31): dict(registered=1, active=2, inactive=0, closed=0),
        D(2025, 4, 30): dict(registered=1, active=1, inactive=0, closed=1),
    }
    for day, counts in expected.items():
        got = session.status_counts("job_seeker", day)
        assert got["record_type"] == "job_seeker" and got["date"] == day
        assert {k: v for k, v in got["counts"].items() if v or k in counts} == counts, day
    assert session.status_counts("job_seeker", "2025-04-30")["counts"] == session.status_counts(
        "job_seeker", D(2025, 4, 30))["counts"]
    with pytest.raises(clmis.NotFound):
        session.status_counts("employer", D(2025, 1, 1))
    with pytest.raises(TypeError):
        session.status_counts("job_seeker", 20250101)  # type: ignore[arg-type]


def test_transition_keyword_fields_may_be_named_like_the_arguments(session: clmis.Session) -> None:
    vac_employer = session.create("employer", {"name": "Port Zante Marina"})
    vid = session.create("vacancy", {"employer": vac_employer, "job_title": "Deckhand", "occupation": "8350",
                                     "date_registered": D(2025, 5, 2)})
    # "name" and "type" are positional-only: a transition field could carry those names.
    with pytest.raises(clmis.ValidationError) as e:
        session.transition("vacancy", vid, 1, "close", outcome="filled", name="x")
    # It reached the library as a field of the transition, which "close" does not set.
    assert [(x["path"], x["value"], x["rule"]) for x in e.value.errors] == [("name", "x", "unknown_field")]
    with pytest.raises(TypeError):
        session.transition("vacancy", vid, 1)  # type: ignore[call-arg]
    assert session.transition("vacancy", vid, 1, "close", effective_date=D(2025, 5, 20), outcome="filled") == 2


def test_table_maintenance(session: clmis.Session, db: clmis.Database) -> None:
    session.code_add("contract_type", {"code": "zero_hours",
                                       "label": {"en": "Zero-hours contract", "nl": "Nulurencontract"}})
    (added,) = [c for c in db.codes("contract_type", "nl") if c["code"] == "zero_hours"]
    assert added["label"] == "Nulurencontract" and added["active"] is True
    with pytest.raises(clmis.AlreadyExists):
        session.code_add("contract_type", {"code": "zero_hours", "label": {"en": "Again"}})
    with pytest.raises(clmis.NotFound):
        session.code_add("no_such_list", {"code": "x", "label": {"en": "X"}})

    emp = session.create("employer", {"name": "Brimstone Hill Tours"})
    vid = session.create("vacancy", {"employer": emp, "job_title": "Guide", "occupation": "5113",
                                     "date_registered": D(2025, 5, 2), "contract_type": "zero_hours"})
    session.code_update("contract_type", "zero_hours", {"label": {"es": "Contrato de cero horas"}, "active": False})
    (es,) = [c for c in db.codes("contract_type", "es") if c["code"] == "zero_hours"]
    assert es["label"] == "Contrato de cero horas" and es["active"] is False
    # Deactivated: refused on a new record, kept on the one that has it.
    with pytest.raises(clmis.ValidationError) as e:
        session.create("vacancy", {"employer": emp, "job_title": "Guide", "occupation": "5113",
                                   "date_registered": D(2025, 5, 2), "contract_type": "zero_hours"})
    assert e.value.errors[0]["rule"] == "code_list"
    assert session.get("vacancy", vid)["contract_type"] == "zero_hours"
    with pytest.raises(clmis.Conflict):
        session.code_delete("contract_type", "zero_hours")
    # An unused code can go.
    session.code_delete("skill_kind", "licence")
    assert "licence" not in [c["code"] for c in db.codes("skill_kind")]


def test_batch_commits_together_or_not_at_all(session: clmis.Session, db_path: Path) -> None:
    def load() -> List[int]:
        ids = [session.create("employer", {"name": f"Batch {i}"}) for i in range(3)]
        try:  # a failed write inside the batch leaves nothing behind; the others go on
            session.create("employer", {"name": ""})
        except clmis.ValidationError:
            pass
        return ids

    ids = session.batch(load)
    assert len(ids) == 3
    assert sql(db_path, "SELECT count(*) FROM employer")[0][0] == 3

    class Stop(Exception):
        pass

    def failing() -> None:
        session.create("employer", {"name": "Never"})
        raise Stop("abandon the load")

    with pytest.raises(Stop):
        session.batch(failing)
    assert sql(db_path, "SELECT name FROM employer WHERE name = 'Never'") == []
    assert sql(db_path, "SELECT count(*) FROM employer")[0][0] == 3


def test_get_unknown(session: clmis.Session) -> None:
    with pytest.raises(clmis.NotFound):
        session.get("employer", 12345)
    with pytest.raises(clmis.NotFound):
        session.get("no_such_type", 1)
    with pytest.raises(clmis.NotFound):
        session.history("employer", 12345)
