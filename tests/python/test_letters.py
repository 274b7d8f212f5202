"""Letters through Python: produced in HTML and text, stored with the case (conftest.sql), values
holding markup or mustache syntax kept as text, and refusals that change nothing
(conftest.digest)."""
import hashlib
from pathlib import Path

import pytest

import clmis
from conftest import digest, sql


def complaint(session: clmis.Session) -> int:
    return session.create("complaint", {
        "date_received": "2025-03-05", "first_name": "Ann", "family_name": "Hodge", "sex": "F",
        "employer_name": "Sugar Bay <Hotel> & {{Co}}",
        "claims": [{"category": "overtime", "amount_claimed": {"amount": "0.10", "currency": "XCD"},
                    "amount_recovered": {"amount": "0.10", "currency": "XCD"}},
                   {"category": "holiday_pay", "amount_claimed": {"amount": "0.20", "currency": "XCD"},
                    "amount_recovered": {"amount": "0.20", "currency": "XCD"}}]})


def test_a_letter_is_produced_and_stored(session: clmis.Session, db_path: Path) -> None:
    cid = complaint(session)
    r = session.letter("complaint", cid, "complaint.acknowledgement")
    assert r["name"] == "complaint.acknowledgement"
    assert (r["lang"], r["format"], r["media_type"]) == ("en", "html", "text/html; charset=utf-8")
    assert r["content"].startswith("<!DOCTYPE html>\n")
    assert "against Sugar Bay &lt;Hotel&gt; &amp; {{Co}}, received on 5 March 2025." in r["content"]
    assert r["size"] == len(r["content"].encode())
    assert r["sha256"] == hashlib.sha256(r["content"].encode()).hexdigest()
    assert sql(db_path, "SELECT kind, name, lang, media_type, sha256 FROM clmis_document WHERE id = ?", r["document_id"]) == [
        ("letter", "complaint.acknowledgement", "en", "text/html; charset=utf-8", r["sha256"])]

    t = session.letter("complaint", cid, "complaint.settlement_statement", lang="nl", format="text")
    assert t["media_type"] == "text/plain; charset=utf-8"
    text = t["content"]
    assert "tegen Sugar Bay <Hotel> & {{Co}}, ontvangen op 5 maart 2025." in text.replace("\n", " ")
    # 0.10 + 0.20 in cents: 0,30 exactly (not 0.30000000000000004).
    # Widths 12 ("Vakantiegeld"), 9 ("Gevorderd"), 8: "Totaal" + 6 + 2 + 1 spaces, then 2.
    assert "\nTotaal         XCD 0,30  XCD 0,30\n" in text
    assert sql(db_path, "SELECT count(*) FROM clmis_audit WHERE action = 'letter'") == [(2,)]


def test_bad_letters_are_refused_and_change_nothing(session: clmis.Session, db_path: Path) -> None:
    cid = complaint(session)
    before = digest(db_path)
    with pytest.raises(clmis.NotFound, match="no letter"):
        session.letter("complaint", cid, "complaint.reminder")
    with pytest.raises(clmis.NotFound, match="for employer"):
        session.letter("employer", 1, "complaint.acknowledgement")
    with pytest.raises(clmis.ValidationError) as e:
        session.letter("complaint", cid, "complaint.acknowledgement", lang="fr")
    assert e.value.errors[0]["path"] == "lang"
    with pytest.raises(clmis.ValidationError) as e:
        session.letter("complaint", cid, "complaint.acknowledgement", format="pdf")
    assert e.value.errors[0]["path"] == "format"
    with pytest.raises(clmis.NotFound):
        session.letter("complaint", 999, "complaint.acknowledgement")
    assert digest(db_path) == before
