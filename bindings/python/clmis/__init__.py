"""clmis — the Caribbean Labour Market Information System, from Python.

    import clmis
    with clmis.open("nlad.db") as db:
        s = db.login("admin", password)
        df = s.query("job_seeker", {"parish": "KN-03"}).to_pandas()

Records are dicts; dates are datetime.date, datetimes aware datetime.datetime in UTC, decimals
decimal.Decimal and money clmis.Money. Errors are subclasses of clmis.Error. See docs/python.md.
"""

from ._core import (
    AGE_GROUPS,
    AlreadyExists,
    AuthError,
    Busy,
    Conflict,
    Cursor,
    Database,
    Error,
    Misuse,
    NotFound,
    PackError,
    PermissionDenied,
    Session,
    StorageError,
    ValidationError,
    VersionError,
    __version__,
    check_files,
    create,
    open,
    profile_check,
    restore,
)
from ._types import ExportWarning, Money


def _indicators_frame(self, indicators=None, *, period, freq=None, by=None, protect=False, min_count=None,
                      p_percent=None, protect_secondary=None):
    """Indicators as a tidy pandas DataFrame (one row per observation); see clmis._pandas."""
    from ._pandas import indicators_frame

    return indicators_frame(self, indicators, period=period, freq=freq, by=by, protect=protect, min_count=min_count,
                            p_percent=p_percent, protect_secondary=protect_secondary)


Session.indicators_frame = _indicators_frame


def _stock(self, type, date, *, states=None, by=None):
    """How many records of type were in states (default: every state but closed) on date, in
    every combination of the dimensions by (sex, age, geo, eco, ocu, edu; ages at the date): a
    pandas DataFrame, one row per combination with a record, a column per dimension and count."""
    from ._pandas import table_frame

    return table_frame(self._stock(type, date, states, by), by)


def _flows(self, type, period, *, into=None, out_of=None, date_field=None, by=None):
    """The records of type that entered (into) or left (out_of) the states during period, or
    whose date_field falls in it, in every combination of the dimensions by (ages at the day of
    each flow): a pandas DataFrame as stock() gives."""
    from ._pandas import table_frame

    return table_frame(self._flows(type, period, into, out_of, date_field, by), by)


Session.stock = _stock
Session.flows = _flows

__all__ = [
    "AGE_GROUPS",
    "AlreadyExists",
    "AuthError",
    "Busy",
    "Conflict",
    "Cursor",
    "Database",
    "Error",
    "ExportWarning",
    "Misuse",
    "Money",
    "NotFound",
    "PackError",
    "PermissionDenied",
    "Session",
    "StorageError",
    "ValidationError",
    "VersionError",
    "__version__",
    "check_files",
    "create",
    "open",
    "profile_check",
    "restore",
]
