"""Indicator exports through Python (issue 17; docs/indicators.md, "Exports"): the bytes of each
format, checked line by line against expectations written by hand, and refusals that change
nothing. Three complaints received in 2025 (2 F, 1 M, no parish), two closed in Q1: the
clearance rate is 2 / 3 x 100 = 66.666... -> 66.7; women 1 / 2 -> 50.0; men 1 / 1 -> 100.0; in
Q2 none is received: 0 / 0, status M."""
import io
import json
import zipfile
from decimal import Decimal

import pytest

import clmis
from conftest import digest


def complaints(session: clmis.Session) -> None:
    ids = []
    for received, sex in [("2025-01-06", "F"), ("2025-01-15", "M"), ("2025-02-03", "F")]:
        ids.append(session.create("complaint", {"date_received": received, "first_name": "Ann",
                                                "family_name": f"Hodge {received}", "sex": sex}))
    for i, on in [(0, "2025-02-10"), (1, "2025-03-01")]:
        v = session.get("complaint", ids[i])["version"]
        session.transition("complaint", ids[i], v, "close", on, outcome="settled")


def test_sdmx_csv_lines(session: clmis.Session) -> None:
    complaints(session)
    data = session.indicators_export("sdmx-csv", ["C7.clearance"], period="2025", by=["sex"])
    assert isinstance(data, bytes)
    lines = data.decode().split("\r\n")
    assert lines[0] == ("STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,FREQ,INDICATOR,SEX,AGE,ECO,OCU,EDU,GEO,TIME_PERIOD,"
                        "OBS_VALUE,OBS_STATUS,UNIT_MEASURE,UNIT_MULT,DECIMALS,SOURCE,COMMENT")
    assert "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,F,_Z,_Z,_Z,_Z,_T,2025,50.0,A,percent,0,1,DOL," in lines
    assert "datastructure,CLMIS:LMI(1.0),I,KNA,A,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025,66.7,A,percent,0,1,DOL," in lines
    q = session.indicators_export("sdmx-csv", ["C7.clearance"], period="2025", freq="quarter").decode().split("\r\n")
    assert ("datastructure,CLMIS:LMI(1.0),I,KNA,Q,C7.clearance,_T,_Z,_Z,_Z,_Z,_T,2025-Q2,,M,percent,0,1,DOL,"
            "the denominator is zero") in q


def test_sdmx_json_values_are_exact_numbers(session: clmis.Session) -> None:
    complaints(session)
    m = json.loads(session.indicators_export("sdmx-json", ["C7.clearance"], period="2025", by=["sex"]),
                   parse_float=Decimal)
    st = m["data"]["structures"][0]
    dims = st["dimensions"]["series"]
    values = {}
    for key, s in m["data"]["dataSets"][0]["series"].items():
        sex = dims[3]["values"][int(key.split(":")[3])]["id"]
        values[sex] = s["observations"]["0"][0]
    assert str(values["F"]) == "50.0" and str(values["M"]) == "100.0" and str(values["_T"]) == "66.7"


def test_structure_json_and_xlsx(session: clmis.Session) -> None:
    s = json.loads(session.indicators_export("sdmx-structure"))
    assert s["data"]["dataStructures"][0]["agencyID"] == "CLMIS"
    complaints(session)
    z = zipfile.ZipFile(io.BytesIO(session.indicators_export("xlsx", ["C7.clearance"], period="2025")))
    assert 'name="metadata"' in z.read("xl/workbook.xml").decode()
    j = json.loads(session.indicators_export("json", ["C7.clearance"], period="2025", lang="en"))
    assert j["observations"][0]["value"] == "66.7" and j["indicators"][0]["id"] == "C7.clearance"


def test_refusals_change_nothing(session: clmis.Session, db_path) -> None:
    complaints(session)
    before = digest(db_path)
    with pytest.raises(clmis.ValidationError) as e:
        session.indicators_export("xml", period="2025")
    assert e.value.errors[0]["path"] == "format"
    with pytest.raises(clmis.ValidationError):
        session.indicators_export("csv", ["Z9"], period="2025")
    with pytest.raises(clmis.ValidationError):
        session.indicators_export("csv", period="2025-13")
    assert digest(db_path) == before
