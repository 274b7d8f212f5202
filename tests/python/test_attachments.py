"""Attachments through Python: bytes or a path attached to a record, listed with their digest
(computed here with hashlib), read back byte for byte, withdrawn, shown in the timeline; refusals
with their error lists that change nothing (conftest.digest)."""
import datetime
import hashlib
from pathlib import Path

import pytest

import clmis
from conftest import digest, sql

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def complaint(session: clmis.Session) -> int:
    return session.create("complaint", {"date_received": "2025-03-03", "first_name": "Ann", "family_name": "Hodge",
                                        "sex": "F", "employer_name": "Sugar Bay Hotel"})


def test_attach_bytes_and_a_path_and_read_them_back(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    cid = complaint(session)
    d = session.attach("complaint", cid, PNG, name="payslip.png", note="copy")
    assert d["record_type"] == "complaint" and d["record_id"] == cid and d["kind"] == "attachment"
    assert d["name"] == "payslip.png"
    assert d["media_type"] == "image/png"
    assert d["size"] == len(PNG) == 29
    assert d["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert d["by"] == "admin" and d["note"] == "copy" and d["withdrawn"] is False
    assert isinstance(d["at"], datetime.datetime)
    assert session.document_content(d["id"]) == PNG  # NUL bytes and all
    # A path: its name is the file's; bytearray and memoryview are bytes too.
    f = tmp_path / "hearing notes.txt"
    f.write_bytes("Hearing of 10 March: the employer did not attend.\n".encode())
    t = session.attach("complaint", cid, f)
    assert (t["name"], t["media_type"]) == ("hearing notes.txt", "text/plain")
    assert session.attach("complaint", cid, str(f), name="copy.txt")["name"] == "copy.txt"
    assert session.attach("complaint", cid, bytearray(PDF), name="a.pdf")["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert session.attach("complaint", cid, memoryview(PDF), name="b.pdf", media_type="application/pdf")["size"] == 41
    listed = session.documents("complaint", cid)
    assert [x["name"] for x in listed] == ["payslip.png", "hearing notes.txt", "copy.txt", "a.pdf", "b.pdf"]
    assert listed[0] == d
    # Independently: the bytes in the table are the ones given.
    assert sql(db_path, "SELECT content FROM clmis_document WHERE id = ?", d["id"]) == [(PNG,)]
    # Withdrawn: marked, kept, in the timeline.
    w = session.withdraw_document(d["id"], "illegible")
    assert w["withdrawn"] is True and w["withdrawn_reason"] == "illegible"
    assert isinstance(w["withdrawn_at"], datetime.datetime)
    assert session.document_content(d["id"]) == PNG
    events = [e["event"] for e in session.timeline("complaint", cid)]
    assert events.count("attached") == 5 and events[-1] == "document withdrawn"


def test_refusals_change_nothing(session: clmis.Session, db_path: Path, tmp_path: Path) -> None:
    cid = complaint(session)
    doc = session.attach("complaint", cid, PDF, name="a.pdf")["id"]
    session.withdraw_document(doc, "wrong case")
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.attach("complaint", cid, PNG, name="scan.pdf", media_type="application/pdf")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("media_type", "type")]
    with pytest.raises(clmis.ValidationError) as e:
        session.attach("complaint", cid, b"", name="../empty.pdf")
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("name", "pattern"), ("content", "range")]
    with pytest.raises(clmis.ValidationError) as e:
        session.attach("complaint", cid, PDF)  # bytes need a name
    assert [(x["path"], x["rule"]) for x in e.value.errors] == [("name", "required")]
    with pytest.raises(clmis.ValidationError) as e:
        session.attach("complaint", cid, b"MZ\x90\x00", name="setup.exe")
    assert "accepted: application/pdf, image/jpeg" in e.value.errors[0]["message"]
    with pytest.raises(clmis.NotFound):
        session.attach("complaint", 999, PDF, name="a.pdf")
    with pytest.raises(clmis.NotFound):
        session.document_content(doc + 100)
    with pytest.raises(clmis.Conflict):
        session.withdraw_document(doc, "again")
    with pytest.raises(FileNotFoundError):
        session.attach("complaint", cid, tmp_path / "missing.pdf")
    with pytest.raises(TypeError):
        session.attach("complaint", cid, 42, name="x")  # type: ignore[arg-type]
    assert digest(db_path) == before
