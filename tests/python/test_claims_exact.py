"""Recovered amounts of complaints are exact (issue 15): 10,000 small amounts — 400 complaints of
25 claims each, among them 0.10, 0.20 and 0.30, whose binary floating-point sum is off — add up
to exactly the total computed with fractions from the input itself, whether read back through
the library (get, read_columns) or summed in plain SQL over the file (minor units)."""
import sqlite3
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import clmis

COMPLAINTS, CLAIMS = 400, 25


def cents(i: int, j: int) -> int:
    """The recovered amount of claim j of complaint i in cents: 10, 20, 30 first, then 1 to 999."""
    n = i * CLAIMS + j
    return (10, 20, 30)[n] if n < 3 else (n * 7919) % 999 + 1


def amount(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def test_ten_thousand_small_recovered_amounts_add_up_exactly(session: clmis.Session, db_path: Path) -> None:
    expected = Fraction(0)
    as_float = 0.0
    ids = []
    with session.batch():
        for i in range(COMPLAINTS):
            claims = []
            for j in range(CLAIMS):
                c = cents(i, j)
                expected += Fraction(c, 100)
                as_float += float(amount(c))
                claims.append({"category": "unpaid_wages",
                               "amount_claimed": {"amount": amount(c + 1), "currency": "XCD"},
                               "amount_recovered": {"amount": amount(c), "currency": "XCD"}})
            ids.append(session.create("complaint", {"date_received": "2025-03-03", "first_name": "Ann",
                                                    "family_name": f"Hodge {i}", "sex": "F",
                                                    "employer_name": "Sugar Bay Hotel", "claims": claims}))
    # The amounts do break binary floating point: the float sum is not the exact one.
    assert Fraction(as_float) != expected
    assert expected.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100)

    # Through the library, record by record: Money holds a Decimal, summed exactly.
    total = Decimal(0)
    for rid in ids:
        for claim in session.get("complaint", rid)["claims"]:
            assert claim["amount_recovered"].currency == "XCD"
            total += claim["amount_recovered"].amount
    assert Fraction(total) == expected

    # In plain SQL over the file: minor units (cents for XCD) as INTEGER.
    con = sqlite3.connect(db_path)
    try:
        (n, minor), = con.execute("SELECT count(*), sum(amount_recovered_minor) FROM complaint__claims")
        (currencies,), = con.execute("SELECT group_concat(DISTINCT amount_recovered_currency) FROM complaint__claims")
    finally:
        con.close()
    assert n == COMPLAINTS * CLAIMS == 10_000
    assert currencies == "XCD"
    assert Fraction(minor, 100) == expected
