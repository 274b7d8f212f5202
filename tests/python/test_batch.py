"""Session.begin_batch / commit_batch / rollback_batch / in_batch and `with session.batch():`
(Session::begin_batch in clmis/database.hpp), and the import report's created_ids / updated_ids
(ImportOptions::ids). Counts are read through the sqlite3 module (conftest.sql), never through
clmis; "unchanged" is conftest.digest."""
from __future__ import annotations

from pathlib import Path

import pytest

import clmis
from conftest import PASSWORD, digest, sql


def names(db_path: Path) -> list:
    return [r[0] for r in sql(db_path, "SELECT name FROM employer ORDER BY id")]


def test_a_committed_batch_shows_both_records(session: clmis.Session, db_path: Path) -> None:
    assert session.in_batch is False
    session.begin_batch()
    assert session.in_batch is True
    a = session.create("employer", {"name": "Batch A"})
    b = session.create("employer", {"name": "Batch B"})
    # The session reads its own batch's writes; another connection sees nothing yet.
    assert session.get("employer", b)["name"] == "Batch B"
    assert names(db_path) == []
    session.commit_batch()
    assert session.in_batch is False
    assert names(db_path) == ["Batch A", "Batch B"]
    assert [a, b] == [r[0] for r in sql(db_path, "SELECT id FROM employer ORDER BY id")]


def test_a_rolled_back_batch_shows_none(session: clmis.Session, db_path: Path) -> None:
    before = digest(db_path)
    session.begin_batch()
    session.create("employer", {"name": "Never A"})
    session.create("employer", {"name": "Never B"})
    session.rollback_batch()
    assert session.in_batch is False
    assert names(db_path) == []
    assert digest(db_path) == before


def test_a_refused_write_inside_leaves_nothing_and_the_batch_stays_open(session: clmis.Session, db_path: Path) -> None:
    session.begin_batch()
    session.create("employer", {"name": "Kept"})
    with pytest.raises(clmis.ValidationError):
        session.create("employer", {"name": ""})
    assert session.in_batch is True
    session.commit_batch()
    assert names(db_path) == ["Kept"]


def test_misuse_leaves_the_database_unchanged(db: clmis.Database, session: clmis.Session, db_path: Path) -> None:
    session.create("employer", {"name": "Before"})
    other = db.login("admin", PASSWORD)  # a login is audited: before the digest
    before = digest(db_path)
    with pytest.raises(clmis.Misuse):
        session.commit_batch()  # no batch open
    with pytest.raises(clmis.Misuse):
        session.rollback_batch()
    assert session.in_batch is False
    assert digest(db_path) == before
    # begin twice: the second is refused and the first stays open (then rolled back).
    session.begin_batch()
    session.create("employer", {"name": "Inside"})
    with pytest.raises(clmis.Misuse):
        session.begin_batch()
    assert session.in_batch is True
    # Another session's commit is not this batch's: Misuse, nothing committed.
    with pytest.raises(clmis.Misuse):
        other.commit_batch()
    session.rollback_batch()
    assert digest(db_path) == before
    assert names(db_path) == ["Before"]


def test_the_context_manager_commits_or_rolls_back(session: clmis.Session, db_path: Path) -> None:
    with session.batch() as s:
        assert s is session
        assert session.in_batch
        session.create("employer", {"name": "With A"})
        session.create("employer", {"name": "With B"})
    assert not session.in_batch
    assert names(db_path) == ["With A", "With B"]
    before = digest(db_path)

    class Stop(Exception):
        pass

    with pytest.raises(Stop):
        with session.batch():
            session.create("employer", {"name": "Never"})
            raise Stop()
    assert not session.in_batch
    assert digest(db_path) == before
    # A block that ends the batch itself leaves nothing for the exit to do.
    with session.batch():
        session.create("employer", {"name": "Dropped"})
        session.rollback_batch()
    assert digest(db_path) == before
    # batch(fn) is still there.
    assert session.batch(lambda: session.create("employer", {"name": "Fn"})) > 0
    assert names(db_path)[-1] == "Fn"


def test_import_ids_when_asked(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    header = "external_id,registration_date,first_name,family_name,sex,date_of_birth,parish\n"
    first = tmp_path / "a.csv"
    first.write_text(header + "X1,2025-03-03,Ann,Hodge,F,1990-01-01,KN-03\n"
                              "X2,2025-03-03,Bob,Hodge,M,1991-01-01,KN-03\n")
    report = session.import_file("job_seeker", first)
    assert "created_ids" not in report and "updated_ids" not in report  # not asked
    ids = [r[0] for r in sql(db_path, "SELECT id FROM job_seeker ORDER BY id")]
    assert len(ids) == 2
    second = tmp_path / "b.csv"
    # X2 changes (updated), X1 is the same (unchanged), X3 is new (created).
    second.write_text(header + "X1,2025-03-03,Ann,Hodge,F,1990-01-01,KN-03\n"
                               "X2,2025-03-03,Bob,Hodge,M,1991-01-01,KN-01\n"
                               "X3,2025-03-04,Cy,Hodge,M,1992-01-01,KN-03\n")
    report = session.import_file("job_seeker", second, ids=True)
    new = sql(db_path, "SELECT id FROM job_seeker WHERE external_id = 'X3'")[0][0]
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 1, 1)
    assert report["created_ids"] == [new]
    assert report["updated_ids"] == [ids[1]]
    # Refused (abort): nothing committed, empty lists, nothing changed.
    before = digest(db_path)
    bad = tmp_path / "c.csv"
    bad.write_text(header + "X4,2025-03-03,Di,Hodge,F,1990-01-01,KN-03\nX5,2025-03-03,,Hodge,F,1990-01-01,KN-03\n")
    report = session.import_file("job_seeker", bad, ids=True)
    assert not report["committed"]
    assert report["created_ids"] == [] and report["updated_ids"] == []
    assert digest(db_path) == before
    with pytest.raises(TypeError):
        session.import_file("job_seeker", first, ids="yes")
    assert digest(db_path) == before
