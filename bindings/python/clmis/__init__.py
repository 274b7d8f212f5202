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
