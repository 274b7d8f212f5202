"""Value types of clmis records that Python has no exact equivalent for."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

__all__ = ["ExportWarning", "Money"]


class Money(NamedTuple):
    """An amount of money in an ISO 4217 currency: ``Money(Decimal("1250.00"), "XCD")``.

    Read from the database, ``amount`` is a :class:`decimal.Decimal` with the currency's minor
    digits (two for XCD, none for JPY). Written, ``amount`` may be a Decimal, an int or a
    ``"1250.00"`` string; a float is refused. A plain dict ``{"amount": ..., "currency": ...}``
    is accepted too.
    """

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ExportWarning(UserWarning):
    """A value that ``Session.export_file`` wrote another way than as stored (an xlsx workbook: a
    number of more than 15 significant digits or a date before 1900-03-01 as text, text cut at
    32,767 characters). The record is still exported; the message names the sheet, row, column
    and record."""
