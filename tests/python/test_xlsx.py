"""Session.export_file(format="xlsx") (issue 14, "Excel"): the workbook read back independently —
with zipfile and xml.etree (the cells as the file holds them: type, value, number format) and with
openpyxl (a reader that applies Excel's conventions) — against values worked out by hand; numbers
Excel cannot hold become text with a warning; bad input leaves no file and the database
unchanged."""

from __future__ import annotations

import datetime as dt
import os
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from xml.etree import ElementTree as ET

import openpyxl
import pytest

import clmis
from conftest import PASSWORD, digest

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Number formats Excel has built in, which a writer uses by number (ECMA-376 part 1, 18.8.30).
BUILTIN = {"0": "General", "1": "0", "2": "0.00", "3": "#,##0", "4": "#,##0.00"}

Cell = Tuple[Optional[str], str, str]  # (the t attribute, the value as written, the number format)


class Sheet:
    def __init__(self, name: str, root: ET.Element, formats: List[str]) -> None:
        self.name = name
        self.root = root
        self.cells: Dict[str, Cell] = {}
        for c in root.iter(M + "c"):
            v = c.find(M + "v")
            text = c.find(f"{M}is/{M}t")
            value = v.text if v is not None else (text.text if text is not None else "")
            style = c.get("s")
            self.cells[c.get("r")] = (c.get("t"), value or "", formats[int(style)] if style else "General")

    def column(self, header: str) -> str:
        for ref, (_, value, _) in self.cells.items():
            if ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "1" and value == header:
                return ref[:-1]
        raise AssertionError(f"no column {header} in {self.name}")

    def at(self, header: str, row: int) -> Cell:
        return self.cells.get(f"{self.column(header)}{row}", (None, "", ""))

    def headers(self) -> List[str]:
        row1 = [(ref[:-1], v) for ref, (_, v, _) in self.cells.items() if ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "1"]
        return [v for _, v in sorted(row1, key=lambda x: (len(x[0]), x[0]))]

    def last_row(self) -> int:
        return max(int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for ref in self.cells)

    def frozen_header(self) -> bool:
        pane = self.root.find(f"{M}sheetViews/{M}sheetView/{M}pane")
        return pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1"


def read_workbook(path: Path) -> Dict[str, Sheet]:
    """The sheets of a workbook, in order, read from its XML parts."""
    with zipfile.ZipFile(path) as z:
        styles = ET.fromstring(z.read("xl/styles.xml"))
        codes = dict(BUILTIN)
        for f in styles.iter(M + "numFmt"):
            codes[f.get("numFmtId")] = f.get("formatCode")
        formats = [codes.get(xf.get("numFmtId"), "?") for xf in styles.find(M + "cellXfs")]
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(PKG + "Relationship")}
        book = ET.fromstring(z.read("xl/workbook.xml"))
        return {s.get("name"): Sheet(s.get("name"), ET.fromstring(z.read("xl/" + targets[s.get(R + "id")])), formats)
                for s in book.iter(M + "sheet")}


@pytest.fixture
def samples(typed: clmis.Session) -> Dict[str, int]:
    owner = typed.create("owner", {"name": "Owner One"})
    full = typed.create("sample", {
        "title": "Ünïcode & <tags> =1+1", "count": 42, "ratio": Decimal("0.125"),
        "pay": clmis.Money(Decimal("1250.50"), "XCD"), "day": dt.date(2025, 3, 3),
        "at": dt.datetime(2025, 3, 3, 18, 0, tzinfo=dt.timezone.utc), "flag": False, "kind": "b",
        "parish": "P2", "owner": owner,
        "items": [{"label": "first", "price": Decimal("9.99"), "cost": clmis.Money(Decimal("5.00"), "USD"),
                   "on": dt.date(1900, 3, 1)},
                  {"label": "second"}]})
    # 19 and 18 significant digits, and a day before 1900-03-01: what Excel cannot hold.
    big = typed.create("sample", {"title": "big", "count": 1234567890123456789,
                                  "ratio": Decimal("123456789012345.678"), "day": dt.date(1899, 12, 31)})
    return {"owner": owner, "full": full, "big": big}


def test_xlsx_cells_have_excel_types_and_exact_values(typed: clmis.Session, samples: Dict[str, int],
                                                      tmp_path: Path) -> None:
    out = tmp_path / "samples.xlsx"
    seen: List[Dict[str, Any]] = []
    assert typed.export_file("sample", out, format="xlsx", language="nl", on_warning=seen.append) == 2
    assert (out.stat().st_mode & 0o777) == 0o600
    book = read_workbook(out)
    assert list(book) == ["sample", "items"]
    s = book["sample"]
    assert s.frozen_header() and book["items"].frozen_header()
    assert s.headers() == ["id", "version", "external_id", "created_at", "created_by", "updated_at", "updated_by",
                           "archived", "archive_reason", "title", "count", "ratio", "pay", "pay_currency", "day",
                           "at", "flag", "kind", "kind_label", "parish", "parish_label", "owner"]
    assert s.last_row() == 3
    assert s.at("id", 2) == (None, str(samples["full"]), "0")
    assert s.at("count", 2) == (None, "42", "0")
    assert s.at("owner", 2) == (None, str(samples["owner"]), "0")
    assert s.at("ratio", 2) == (None, "0.125", "0.000")
    # Money: the amount as a number with the currency's two places, grouped; the currency beside.
    t, v, f = s.at("pay", 2)
    assert (t, Decimal(v), f) == (None, Decimal("1250.5"), "#,##0.00")
    assert s.at("pay_currency", 2) == ("inlineStr", "XCD", "General")
    # 2025-03-03 is day 45,719 of Excel's 1900 system: days since 1899-12-30 (Excel counts a
    # 29 February 1900). 1899-12-30 → 1970-01-01 is 25,569 days (70 years of 365 days, 17 leap
    # days 1904..1968, and 2 days of 1899); 1970-01-01 → 2025-01-01 is 55 × 365 + 14 leap days
    # (1972..2024) = 20,089; January and February 2025 are 59 days and the 3rd is 2 more:
    # 25,569 + 20,089 + 59 + 2 = 45,719.
    assert s.at("day", 2) == (None, "45719", "yyyy-mm-dd")
    # 18:00 UTC is 18/24 = 0.75 of a day.
    assert s.at("at", 2) == (None, "45719.75", "yyyy-mm-dd hh:mm:ss")
    assert s.at("flag", 2) == ("b", "0", "General")
    assert s.at("archived", 2) == ("b", "0", "General")
    # Codes and their labels in Dutch (B\u00e8ta), or in English where the code has no Dutch one.
    assert s.at("kind", 2)[1:] == ("b", "General") and s.at("kind_label", 2)[1] == "Bèta"
    assert s.at("parish_label", 2)[1] == "Parish two"
    # Text exactly, as a string (no formula).
    assert s.at("title", 2) == ("inlineStr", "Ünïcode & <tags> =1+1", "General")
    assert s.root.find(f".//{M}f") is None
    # created_at: the day number of the record's creation time, computed here.
    created = typed.get("sample", samples["full"])["created_at"]
    serial = (created - dt.datetime(1899, 12, 30, tzinfo=dt.timezone.utc)) / dt.timedelta(days=1)
    assert float(s.at("created_at", 2)[1]) == pytest.approx(serial, abs=1e-9)
    # Values Excel cannot hold exactly: text, and a warning for each.
    assert s.at("count", 3) == ("inlineStr", "1234567890123456789", "General")
    assert s.at("ratio", 3) == ("inlineStr", "123456789012345.678", "General")
    assert s.at("day", 3) == ("inlineStr", "1899-12-31", "General")
    assert [(w["sheet"], w["row"], w["column"], w["id"], w["value"], w["rule"]) for w in seen] == [
        ("sample", 3, "count", samples["big"], "1234567890123456789", "precision"),
        ("sample", 3, "ratio", samples["big"], "123456789012345.678", "precision"),
        ("sample", 3, "day", samples["big"], "1899-12-31", "date_range")]
    # The section, one row per entry.
    items = book["items"]
    assert items.headers() == ["sample_id", "item_no", "label", "price", "cost", "cost_currency", "on"]
    assert items.last_row() == 3
    assert items.at("sample_id", 2) == (None, str(samples["full"]), "0")
    assert items.at("item_no", 3) == (None, "2", "0")
    assert items.at("price", 2) == (None, "9.99", "0.00")
    assert items.at("cost", 2) == (None, "5", "#,##0.00")
    assert items.at("cost_currency", 2)[1] == "USD"
    # 1900-03-01 is day 61: the first day Excel numbers right (1 is 1900-01-01, 60 its phantom
    # 29 February).
    assert items.at("on", 2) == (None, "61", "yyyy-mm-dd")
    assert items.at("label", 3)[1] == "second" and items.at("price", 3)[1] == ""


def test_openpyxl_reads_dates_numbers_and_booleans_as_excel_does(typed: clmis.Session, samples: Dict[str, int],
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "samples.xlsx"
    typed.export_file("sample", out, format="xlsx", on_warning=lambda w: None)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["sample", "items"]
    ws = wb["sample"]
    assert ws.freeze_panes == "A2"
    header = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{header['count']}2"].value == 42
    assert ws[f"{header['ratio']}2"].value == 0.125
    assert ws[f"{header['pay']}2"].value == 1250.5
    assert ws[f"{header['pay']}2"].number_format == "#,##0.00"
    assert ws[f"{header['day']}2"].value == dt.datetime(2025, 3, 3)
    assert ws[f"{header['day']}2"].is_date
    assert ws[f"{header['at']}2"].value == dt.datetime(2025, 3, 3, 18, 0)
    assert ws[f"{header['flag']}2"].value is False
    assert ws[f"{header['kind_label']}2"].value == "Beta"  # English, the country's first language
    assert ws[f"{header['title']}2"].value == "Ünïcode & <tags> =1+1"
    assert ws[f"{header['count']}3"].value == "1234567890123456789"
    assert wb["items"]["G2"].value == dt.datetime(1900, 3, 1)


def test_precision_warnings_are_python_warnings_by_default(typed: clmis.Session, samples: Dict[str, int],
                                                           tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    with pytest.warns(clmis.ExportWarning) as caught:
        assert typed.export_file("sample", out, format="xlsx") == 2
    messages = [str(w.message) for w in caught]
    assert len(messages) == 3
    assert messages[0].startswith("sheet sample, row 3, count (record %d): " % samples["big"])
    assert "15 significant digits" in messages[0] and messages[0].endswith(": 1234567890123456789")
    assert issubclass(clmis.ExportWarning, UserWarning) and "ExportWarning" in clmis.__all__
    assert out.exists()


@pytest.mark.parametrize("how", ["warning as error", "callback raises"])
def test_a_warning_that_raises_stops_the_export_and_leaves_no_file(typed: clmis.Session, typed_path: Path,
                                                                    samples: Dict[str, int], tmp_path: Path,
                                                                    how: str) -> None:
    out = tmp_path / "stopped.xlsx"
    before = digest(typed_path)
    listing = sorted(os.listdir(tmp_path))

    def refuse(w: Dict[str, Any]) -> None:
        raise KeyError(w["column"])

    if how == "warning as error":
        with warnings.catch_warnings():
            warnings.simplefilter("error", clmis.ExportWarning)
            with pytest.raises(clmis.ExportWarning):
                typed.export_file("sample", out, format="xlsx")
    else:
        with pytest.raises(KeyError, match="count"):
            typed.export_file("sample", out, format="xlsx", on_warning=refuse)
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == listing
    # The export was audited before it began: that entry is the only change.
    after = typed.audit_entries()
    assert after[-1]["action"] == "export" and after[-1]["detail"]["format"] == "xlsx"
    assert digest(typed_path) != before


def test_refused_exports_leave_no_file_and_change_nothing(db: clmis.Database, db_path: Path,
                                                          tmp_path: Path) -> None:
    admin = db.login("admin", PASSWORD)
    admin.create("employer", {"name": "Files Ltd", "isic_class": "5510", "parish": "KN-03"})
    admin.user_create("officer", password="officer-pw-12", roles=["officer"], section="employment_services",
                      must_change_password=False)
    officer = db.login("officer", "officer-pw-12")
    (tmp_path / "sub").mkdir()
    unwritable = Path("/proc/clmis-export-test.out")
    if os.geteuid() != 0:  # permissions do not bind root
        (tmp_path / "ro").mkdir(mode=0o500)
        unwritable = tmp_path / "ro" / "out.x"
    before = digest(db_path)
    listing = sorted(os.listdir(tmp_path))
    for fmt in ["csv", "jsonl", "json", "xlsx"]:
        out = tmp_path / f"out.{fmt}"
        cases: List[Tuple[type, str, Any]] = [
            (clmis.Misuse, "is the database's own file", lambda: admin.export_file("employer", db_path, format=fmt, replace=True)),
            (clmis.Misuse, "is a directory", lambda: admin.export_file("employer", tmp_path / "sub", format=fmt, replace=True)),
            (clmis.StorageError, "cannot write", lambda: admin.export_file("employer", unwritable, format=fmt)),
            (clmis.PermissionDenied, "export", lambda: officer.export_file("employer", out, format=fmt)),
            (clmis.Misuse, "xlsx", lambda: admin.export_file("employer", out, format="xls")),
            (clmis.Misuse, "language", lambda: admin.export_file("employer", out, format=fmt,
                                                                  language="fr" if fmt == "xlsx" else "en")),
            (clmis.ValidationError, "colour", lambda: admin.export_file("employer", out, format=fmt, fields=["name", "colour"])),
        ]
        for error, text, call in cases:
            with pytest.raises(error, match=text):
                call()
            assert not out.exists(), (fmt, text)
            assert sorted(os.listdir(tmp_path)) == listing, (fmt, text)
            assert digest(db_path) == before, (fmt, text)
    with pytest.raises(TypeError):
        admin.export_file("employer", tmp_path / "t.xlsx", format="xlsx", on_warning=42)  # type: ignore[arg-type]
    assert sorted(os.listdir(tmp_path)) == listing
    # Allowed, each format writes its file.
    for fmt in ["csv", "jsonl", "json", "xlsx"]:
        assert admin.export_file("employer", tmp_path / f"out.{fmt}", format=fmt) == 1
    assert read_workbook(tmp_path / "out.xlsx")["employer"].at("name", 2)[1] == "Files Ltd"
