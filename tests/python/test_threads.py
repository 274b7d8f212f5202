"""Threads: the GIL is released while the library works (Python threads run meanwhile), a
database is shared by threads, and a batch that calls back into Python does not deadlock."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

import clmis
from conftest import PASSWORD, sql


@pytest.fixture(autouse=True)
def fast_switching() -> Iterator[None]:
    old = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    yield
    sys.setswitchinterval(old)


def largest_pause_of_a_python_thread(work: Callable[[], object]) -> tuple:
    """Runs work() while another thread runs Python code that notes the time in a loop; returns
    (how long work took, the longest gap between two notes during it)."""
    stamps: List[float] = []
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            stamps.append(time.perf_counter())

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        time.sleep(0.02)
        start = time.perf_counter()
        try:
            work()
        finally:
            end = time.perf_counter()
    finally:
        stop.set()
        spinner.join()
    points = [start] + [t for t in stamps if start < t < end] + [end]
    return end - start, max(b - a for a, b in zip(points, points[1:]))


def test_the_measure_sees_a_held_gil() -> None:
    # Control: list.sort holds the GIL from start to end, and the measure shows it.
    import random

    data = [random.random() for _ in range(400_000)]
    took, pause = largest_pause_of_a_python_thread(lambda: data.sort())
    assert pause > took / 2, (took, pause)


def test_login_releases_the_gil(db: clmis.Database) -> None:
    # A password check (argon2id) takes tens of milliseconds: if the GIL were held, the other
    # thread would stand still for all of it.
    took, pause = largest_pause_of_a_python_thread(lambda: db.login("admin", PASSWORD))
    assert took > 0.01, "login was too fast for this test to tell anything"
    assert pause < took / 2, (took, pause)


def test_a_write_waiting_for_a_lock_releases_the_gil(session: clmis.Session, db_path: Path) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    with clmis.open(db_path, busy_timeout_ms=300) as waiting:
        s = waiting.login("admin", PASSWORD)  # a login is audited: it writes, so log in first
        other.execute("BEGIN IMMEDIATE")  # another program writes: clmis retries until its limit
        try:

            def write() -> None:
                with pytest.raises(clmis.Busy):
                    s.create("employer", {"name": "Patient Ltd"})

            took, pause = largest_pause_of_a_python_thread(write)
        finally:
            other.execute("ROLLBACK")
            other.close()
    assert took >= 0.25, took
    assert pause < took / 2, (took, pause)


def run_threads(targets: List[Callable[[], None]]) -> None:
    errors: List[BaseException] = []

    def guard(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except BaseException as e:  # noqa: B902 - reported below
                errors.append(e)
        return run

    threads = [threading.Thread(target=guard(t), daemon=True) for t in targets]  # a hang fails, not blocks
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors


def test_threads_with_their_own_sessions(db: clmis.Database, db_path: Path) -> None:
    def writer(k: int) -> Callable[[], None]:
        def run() -> None:
            s = db.login("admin", PASSWORD)
            for i in range(15):
                eid = s.create("employer", {"name": f"T{k}-{i}"})
                assert s.get("employer", eid)["name"] == f"T{k}-{i}"
        return run

    run_threads([writer(k) for k in range(4)])
    names = {r[0] for r in sql(db_path, "SELECT name FROM employer")}
    assert names == {f"T{k}-{i}" for k in range(4) for i in range(15)}


def test_threads_sharing_one_session(session: clmis.Session, db_path: Path) -> None:
    def writer(k: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(10):
                session.create("employer", {"name": f"S{k}-{i}"})
                list(session.query("employer", limit=5))
        return run

    run_threads([writer(k) for k in range(4)])
    assert sql(db_path, "SELECT count(*) FROM employer")[0][0] == 40


def test_a_batch_holds_other_writers_without_deadlock(db: clmis.Database, session: clmis.Session,
                                                      db_path: Path) -> None:
    inside = threading.Event()
    order: List[str] = []
    other = db.login("admin", PASSWORD)

    def load() -> None:
        session.create("employer", {"name": "Batch first"})
        inside.set()
        time.sleep(0.3)  # Python code inside the batch, GIL released while sleeping
        session.create("employer", {"name": "Batch second"})
        order.append("batch done")

    def batch() -> None:
        session.batch(load)

    def writer() -> None:
        assert inside.wait(10)
        other.create("employer", {"name": "Outside"})
        order.append("outside done")

    run_threads([batch, writer])
    # The other writer waited for the batch to commit.
    assert order == ["batch done", "outside done"]
    assert [r[0] for r in sql(db_path, "SELECT name FROM employer ORDER BY id")] == [
        "Batch first", "Batch second", "Outside"]


def test_a_batch_writing_through_a_session_another_thread_uses(db: clmis.Database, db_path: Path) -> None:
    # Thread A's batch (holding the database) writes through s2 while thread B keeps using s2:
    # no lock of the binding may be held while the library waits for the database.
    s1, s2 = db.login("admin", PASSWORD), db.login("admin", PASSWORD)
    started = threading.Event()

    def load() -> None:
        started.set()
        for i in range(20):
            s2.create("employer", {"name": f"A{i}"})
            time.sleep(0.005)

    def a() -> None:
        s1.batch(load)

    def b() -> None:
        assert started.wait(10)
        for i in range(20):
            s2.create("employer", {"name": f"B{i}"})

    run_threads([a, b])
    assert sql(db_path, "SELECT count(*) FROM employer")[0][0] == 40


def test_warnings_belong_to_the_last_write(session: clmis.Session) -> None:
    person = {"registration_date": "2025-03-03", "first_name": "Keisha", "family_name": "Liburd",
              "sex": "F", "date_of_birth": "1999-07-14"}
    first = session.create("job_seeker", person)
    session.create("job_seeker", person)
    assert [w["other_id"] for w in session.warnings] == [first]
    session.get("job_seeker", first)  # a read keeps them
    assert len(session.warnings) == 1
    session.create("employer", {"name": "No warning Ltd"})
    assert session.warnings == []
