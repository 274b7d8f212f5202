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
                               ``dates="object"``: ``object`` of ``datetime.date``.
                               A birth date masked for this user is ``NaT``: the
                               column stays a date column.
age_group (after a birth date) ``category``, ordered, whose categories are
                               ``clmis.AGE_GROUPS`` ("under 15", "15-19", ...,
                               "65+") whether used or not; with ``codes="string"``:
                               ``string``
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

from typing import Any, Dict, List, Optional, Sequence

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
        if dates == "object":
            return pd.Series(values, dtype=object)
        return pd.Series(values, dtype="datetime64[ns]")
    if kind == "datetime":
        return pd.Series(values, dtype="datetime64[ns, UTC]")
    if kind == "age_group":
        if codes == "string":
            return pd.array(values, dtype="string")
        from ._core import AGE_GROUPS

        return pd.Categorical(values, categories=list(AGE_GROUPS), ordered=True)
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


def _from_columns(pd: Any, np: Any, name: str, kind: str, a: Any, b: Any, dates: str, codes: str) -> Any:
    """One column of Cursor._read_columns() as today's dtype (the module's table), vectorised."""
    if kind in ("integer", "reference"):
        return pd.arrays.IntegerArray(a, b)
    if kind == "boolean":
        return pd.arrays.BooleanArray(a, b)
    if kind == "text":
        return pd.array(a, dtype="string")
    if kind in ("code", "age_group"):
        if codes == "string":
            # -1 (no value) picks the None appended at the end.
            return pd.array(np.array(list(b) + [None], dtype=object)[a], dtype="string")
        return pd.Categorical.from_codes(a, categories=b, ordered=kind == "age_group")
    if kind == "date":
        if dates == "object":
            values = a.astype("datetime64[D]").astype(object)
            values[b] = None
            return pd.Series(values, dtype=object)
        if ((a[~b] < _MIN_DAY) | (a[~b] > _MAX_DAY)).any():  # beyond datetime64[ns]: pandas' own error
            return pd.Series(list(a.astype("datetime64[D]").astype(object)), dtype="datetime64[ns]")
        ns = a * _NS_PER_DAY
        ns[b] = _NAT
        return pd.Series(ns.view("datetime64[ns]"))
    if kind == "datetime":
        if ((a[~b] < _MIN_SECOND) | (a[~b] > _MAX_SECOND)).any():
            return pd.Series(list(a.astype("datetime64[s]").astype(object)), dtype="datetime64[ns, UTC]")
        ns = a * _NS_PER_SECOND
        ns[b] = _NAT
        return pd.Series(ns.view("datetime64[ns]")).dt.tz_localize("UTC")
    return pd.Series(a, dtype=object)  # decimal, money, section: Python objects already


# The days and seconds datetime64[ns] holds (1677-09-22 to 2262-04-11), and its NaT.
_NS_PER_SECOND = 1_000_000_000
_NS_PER_DAY = 86_400 * _NS_PER_SECOND
_NAT = -(2**63)
_MIN_SECOND = -(2**63 - 1) // _NS_PER_SECOND + 1
_MAX_SECOND = (2**63 - 1) // _NS_PER_SECOND
_MIN_DAY = _MIN_SECOND // 86_400 + 1
_MAX_DAY = _MAX_SECOND // 86_400


def cursor_to_pandas(cursor: Any, *, columns: Optional[Sequence[str]] = None, dates: str = "datetime64",
                     codes: str = "category") -> Any:
    """The records the cursor has not returned yet, as a DataFrame (see the module's table).

    columns: the fields to take, in that order (system fields, fields, sections); None takes
    every one in record order. A name the record type does not have raises ValidationError.
    The records are read as columns in one go (Session.read_columns in C++); a cursor stopped in
    the middle of a page takes the rest of that page and the following ones record by record,
    with the same result.
    """
    if dates not in _DATES:
        raise ValueError(f"dates is one of {_DATES}, not {dates!r}")
    if codes not in _CODES:
        raise ValueError(f"codes is one of {_CODES}, not {codes!r}")
    if columns is not None:
        if isinstance(columns, str) or not all(isinstance(c, str) for c in columns):
            raise TypeError("columns is a list of field names")
        columns = list(columns)
    pd = _import_pandas()
    import numpy as np

    read = cursor._read_columns(columns)
    if read is None:
        return _rows_to_pandas(pd, cursor, columns, dates, codes)
    data = {name: _from_columns(pd, np, name, kind, a, b, dates, codes) for name, kind, a, b in read}
    # No columns= (the dict's order is the columns'): with it, pandas 1.5 first puts the arrays
    # in an object Series, which turns every datetime column into Timestamp objects (seconds a
    # million rows).
    return pd.DataFrame(data)


def _rows_to_pandas(pd: Any, cursor: Any, columns: Optional[List[str]], dates: str, codes: str) -> Any:
    """The row path: the cursor's remaining records one by one (a cursor stopped inside a page)."""
    spec = cursor.columns
    if columns is not None:  # the library has checked the names (Cursor._read_columns)
        by_name = {c[0]: c for c in spec}
        spec = [by_name[c] for c in columns]
    records = list(cursor)
    cache: Dict[str, List[str]] = {}
    data = {}
    for name, kind, code_list in spec:
        values = [r.get(name) for r in records]
        data[name] = _column(pd, values, kind, code_list, dates, codes, cursor, cache)
    return pd.DataFrame(data)


def indicators_frame(session, indicators=None, *, period, freq=None, by=None, protect=False, min_count=None,
                     p_percent=None, protect_secondary=None):
    """Session.indicators_frame(): indicators as a tidy DataFrame, one row per observation.

    Columns: ``indicator``, ``period``, ``freq`` (A, Q, M), one column per dimension of ``by``
    (its SDMX code; ``_T`` where the row is that dimension's total), ``value`` (``object`` of
    ``decimal.Decimal``, rounded once by the indicator's rule; None when the status says why),
    ``status`` (A, E, M, O; Q: suppressed by disclosure control, with ``protect=True``), ``numerator`` and ``denominator`` (``object`` of
    ``fractions.Fraction``, exact, before rounding), ``records``.
    """
    import pandas as pd

    dims = list(by or [])
    rows = session.indicators(indicators, period=period, freq=freq, by=by, protect=protect, min_count=min_count,
                              p_percent=p_percent, protect_secondary=protect_secondary)
    data = {
        "indicator": [r["indicator"] for r in rows],
        "period": [r["period"] for r in rows],
        "freq": [r["freq"] for r in rows],
    }
    for d in dims:
        data[d] = [r["cell"].get(d, "_T") for r in rows]
    data["value"] = [r["value"] for r in rows]
    data["status"] = [r["status"] for r in rows]
    data["numerator"] = [r["numerator"] for r in rows]
    data["denominator"] = [r["denominator"] for r in rows]
    data["records"] = [r["records"] for r in rows]
    frame = pd.DataFrame(data)
    for col in ["indicator", "period", "freq", *dims, "status"]:
        frame[col] = frame[col].astype("string")
    for col in ["value", "numerator", "denominator"]:
        frame[col] = frame[col].astype("object")
    frame["records"] = frame["records"].astype("Int64")
    return frame


def table_frame(table, by):
    """A stock or flow table (Session._stock / _flows) → DataFrame: one column per dimension
    (``string``: its SDMX code, ``_N`` not stated) and ``count`` (``Int64``), one row per
    combination with at least one record. The counts add up to ``table["total"]``."""
    import pandas as pd

    dims = list(by or [])
    rows = table["rows"] if dims else [{"cell": {}, "count": table["total"]}]
    frame = pd.DataFrame({**{d: [r["cell"][d] for r in rows] for d in dims}, "count": [r["count"] for r in rows]})
    for d in dims:
        frame[d] = frame[d].astype("string")
    frame["count"] = frame["count"].astype("Int64")
    return frame
