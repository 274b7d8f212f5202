"""Cursor.to_pandas(): query results as a pandas DataFrame with one dtype per field type.

pandas is imported here only, when to_pandas() is called: ``import clmis`` does not need it.

=============================  ====================================================
field type                     dtype
=============================  ====================================================
integer, reference, id,        ``Int64`` (nullable integer)
version
text (and created_by,          ``string``
updated_by, external_id,
archive_reason)
boolean (and archived)         ``boolean`` (nullable)
date                           ``datetime64[ns]`` (midnight, no time zone); with
                               ``dates="object"``: ``object`` of ``datetime.date``
datetime (and created_at,      ``datetime64[ns, UTC]``
updated_at)
decimal                        ``object`` of ``decimal.Decimal`` (exact)
money                          ``object`` of ``clmis.Money``
code                           ``category`` whose categories are the codes of the
                               field's code list in declared order (unused codes
                               included); with ``codes="string"``: ``string``
section                        ``object``: a list of dicts per record
=============================  ====================================================

Missing values are ``<NA>`` (nullable dtypes), ``NaT`` (dates and datetimes), ``NaN`` in a
category, and ``None`` in object columns.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

__all__ = ["cursor_to_pandas"]

_DATES = ("datetime64", "object")
_CODES = ("category", "string")


def _import_pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Cursor.to_pandas() needs pandas (Debian: apt install python3-pandas)"
        ) from e
    return pandas


def _code_list_codes(cursor: Any, code_list: Optional[str], cache: Dict[str, List[str]]) -> List[str]:
    if not code_list:
        return []
    if code_list not in cache:
        from . import NotFound

        try:
            cache[code_list] = [c["code"] for c in cursor.session.database.codes(code_list)]
        except NotFound:
            cache[code_list] = []
    return cache[code_list]


def _column(pd: Any, values: List[Any], kind: str, code_list: Optional[str], dates: str, codes: str,
            cursor: Any, cache: Dict[str, List[str]]) -> Any:
    if kind in ("integer", "reference"):
        return pd.array(values, dtype="Int64")
    if kind == "text":
        return pd.array(values, dtype="string")
    if kind == "boolean":
        return pd.array(values, dtype="boolean")
    if kind == "date":
        if any(isinstance(v, str) for v in values):
            # A birth date masked for this user: age groups ("25-29"), not dates.
            return pd.array(values, dtype="string")
        if dates == "object":
            return pd.Series(values, dtype=object)
        return pd.Series(values, dtype="datetime64[ns]")
    if kind == "datetime":
        return pd.Series(values, dtype="datetime64[ns, UTC]")
    if kind == "code":
        if codes == "string":
            return pd.array(values, dtype="string")
        categories = list(_code_list_codes(cursor, code_list, cache))
        known = set(categories)
        for v in values:  # a value outside the list (not expected) must not become NaN
            if v is not None and v not in known:
                categories.append(v)
                known.add(v)
        return pd.Categorical(values, categories=categories)
    return pd.Series(values, dtype=object)  # decimal, money, section and anything else


def cursor_to_pandas(cursor: Any, *, dates: str = "datetime64", codes: str = "category") -> Any:
    """The records the cursor has not returned yet, as a DataFrame (see the module's table)."""
    if dates not in _DATES:
        raise ValueError(f"dates is one of {_DATES}, not {dates!r}")
    if codes not in _CODES:
        raise ValueError(f"codes is one of {_CODES}, not {codes!r}")
    pd = _import_pandas()
    columns = cursor.columns
    records = list(cursor)
    cache: Dict[str, List[str]] = {}
    data = {}
    for name, kind, code_list in columns:
        values = [r.get(name) for r in records]
        data[name] = _column(pd, values, kind, code_list, dates, codes, cursor, cache)
    return pd.DataFrame(data, columns=[c[0] for c in columns])
