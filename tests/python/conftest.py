"""Fixtures of the Python suite: fresh databases, sessions, and independent checks through the
sqlite3 module (expected values never come from clmis itself)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import clmis

PASSWORD = "example-password-1"
HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent
# A pack with one field of every type and a section (tests/python/fixtures/data), for type
# round trips; the standard pack has no decimal or datetime field.
FIXTURE_DATA = HERE / "fixtures" / "data"


def header_constants() -> Dict[str, int]:
    """The status codes as include/clmis/clmis.h pins them, read from the header."""
    text = (SOURCE / "include" / "clmis" / "clmis.h").read_text(encoding="utf-8")
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"\b(CLMIS_E[A-Z]*|CLMIS_ERROR)\s*=\s*(-?\d+)", text)}


def header_version() -> str:
    """CLMIS_VERSION, read from include/clmis/version.h (the one place the version is written)."""
    text = (SOURCE / "include" / "clmis" / "version.h").read_text(encoding="utf-8")
    m = re.search(r'^#define CLMIS_VERSION "([0-9.]+)"', text, re.MULTILINE)
    assert m
    return m.group(1)


def connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def sql(path: Path, query: str, *params: Any) -> List[tuple]:
    """Rows of a read-only query on the database file, through the sqlite3 module."""
    con = connect_ro(path)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def digest(path: Path) -> str:
    """A hash over every table (domain tables, sections, history, change sequence, audit, codes,
    users, meta) and the schema: what "the database is unchanged" means (DESIGN.md §5). The
    security log may grow (refused logins are recorded) and is left out, with its row of
    sqlite_sequence, and so is the login state (failures counted towards a lockout)."""
    con = connect_ro(path)
    try:
        h = hashlib.sha256()
        tables = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        assert tables, "no tables"
        for name, ddl in tables:
            h.update(repr((name, ddl)).encode())
            if name in ("clmis_security_log", "clmis_login_state"):
                continue
            rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            if name == "sqlite_sequence":  # the security log's AUTOINCREMENT counter may grow too
                rows = [r for r in rows if r[0] not in ("clmis_security_log", "clmis_login_state")]
            for row in sorted(rows, key=repr):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        con.close()


def dup_key(*values: Any) -> int:
    """The possible-duplicate key as docs/architecture.md defines it, written again here: FNV-1a
    64 over each value (text folded to ASCII lower case as UTF-8; integers as 8 bytes
    little-endian), each followed by 0x1F; read as a signed 64-bit integer."""
    h = 0xcbf29ce484222325
    for v in values:
        data = (bytes(c + 32 if 65 <= c <= 90 else c for c in v.encode("utf-8")) if isinstance(v, str)
                else (v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little"))
        for b in data + b"\x1f":
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h - (1 << 64) if h >= 1 << 63 else h


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nlad.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[clmis.Database]:
    d = clmis.create(db_path, country="KNA", admin_password=PASSWORD)
    yield d
    d.close()


@pytest.fixture
def session(db: clmis.Database) -> clmis.Session:
    return db.login("admin", PASSWORD)


@pytest.fixture
def typed_path(tmp_path: Path) -> Path:
    return tmp_path / "typed.db"


@pytest.fixture
def typed_db(typed_path: Path) -> Iterator[clmis.Database]:
    d = clmis.create(typed_path, country="KNA", admin_password=PASSWORD, data_dir=FIXTURE_DATA)
    yield d
    d.close()


@pytest.fixture
def typed(typed_db: clmis.Database) -> clmis.Session:
    return typed_db.login("admin", PASSWORD)
