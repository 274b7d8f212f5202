from ._core import AlreadyExists as AlreadyExists
from ._core import AuthError as AuthError
from ._core import Busy as Busy
from ._core import Conflict as Conflict
from ._core import Cursor as Cursor
from ._core import Database as Database
from ._core import Error as Error
from ._core import Misuse as Misuse
from ._core import NotFound as NotFound
from ._core import PackError as PackError
from ._core import PermissionDenied as PermissionDenied
from ._core import Session as Session
from ._core import StorageError as StorageError
from ._core import ValidationError as ValidationError
from ._core import VersionError as VersionError
from ._core import __version__ as __version__
from ._core import create as create
from ._core import open as open
from ._core import profile_check as profile_check
from ._types import ExportWarning as ExportWarning
from ._types import Money as Money

__all__ = [
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
    "create",
    "open",
    "profile_check",
]
