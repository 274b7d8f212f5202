"""Generic country profiles (issue 17): clmis.create for the seven CARICOM members whose
subdivisions are shipped, Database.profile_check and clmis.profile_check. Expected subdivisions
come from data/classifications/subdivisions.csv read with the csv module."""

from __future__ import annotations

import csv
import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Dict, Set, Tuple

import pytest

import clmis
from conftest import PASSWORD, SOURCE, sql

GENERIC: Dict[str, str] = {"BHS": "BSD", "BLZ": "BZD", "BRB": "BBD", "DMA": "XCD", "GRD": "XCD", "GUY": "GYD", "JAM": "JMD"}


def csv_subdivisions(iso3: str) -> Set[Tuple[str, str]]:
    with (SOURCE / "data" / "classifications" / "subdivisions.csv").open(encoding="utf-8", newline="") as f:
        return {(row["code"], row["name"]) for row in csv.DictReader(f) if row["country"] == iso3}


@pytest.mark.parametrize("iso3", sorted(GENERIC))
def test_each_generic_country_gets_its_subdivisions(tmp_path: Path, iso3: str) -> None:
    path = tmp_path / f"{iso3}.db"
    with clmis.create(path, country=iso3, admin_password=PASSWORD) as db:
        country = db.schema()["country"]
        assert country["currency"] == GENERIC[iso3]
        assert country["legal"] == {}
        assert country["calendar"] is None
        got = {(c["code"], c["label"]) for c in db.codes("parish", "en")}
    want = csv_subdivisions(iso3)
    assert want and got == want
    assert sql(path, "SELECT count(*) FROM clmis_code WHERE list = 'parish'") == [(len(want),)]


def test_profile_check_with_and_without_a_database(tmp_path: Path) -> None:
    with clmis.create(tmp_path / "grd.db", country="GRD", admin_password=PASSWORD) as db:
        report = db.profile_check()
    assert clmis.profile_check("GRD") == report
    assert report["country"] == "GRD" and report["name"] == "Grenada"
    legal = {i["parameter"]: i for i in report["legal"]}
    assert set(legal) == {"minimum_working_age", "nis_number_pattern", "severance"}
    assert all(i["status"] == "missing" and i["effects"] for i in legal.values())
    profile = json.loads((SOURCE / "data" / "countries" / "GRD.json").read_text(encoding="utf-8"))
    assert legal["severance"]["note"] == profile["legal"]["severance"]["note"]
    assert [i["parameter"] for i in report["holidays"]] == ["calendar"]
    assert report["holidays"][0]["note"] == profile["calendar"]["note"]
    assert report["department"][0]["status"] == "unverified"
    statuses = [i["status"] for g in ("legal", "holidays", "deadlines", "department") for i in report[g]]
    assert report["missing"] == statuses.count("missing")
    assert report["unverified"] == statuses.count("unverified")
    with pytest.raises(clmis.NotFound):
        clmis.profile_check("XYZ")


def test_a_generic_country_registers_job_seekers_with_a_warning(tmp_path: Path) -> None:
    with clmis.create(tmp_path / "jam.db", country="JAM", admin_password=PASSWORD) as db:
        s = db.login("admin", PASSWORD)
        employer = s.create("employer", {"name": "Kingston Wharves Ltd", "parish": "JM-01"})
        seeker = s.create(
            "job_seeker",
            {
                "registration_date": datetime.date(2025, 3, 3),
                "first_name": "Tanya",
                "family_name": "Campbell",
                "sex": "F",
                "date_of_birth": datetime.date(2013, 1, 1),
                "parish": "JM-14",
                "nis_number": "any form 1",
            },
        )
        assert [w["rule"] for w in s.warnings] == ["min_age_at"]
        assert s.get("job_seeker", seeker)["nis_number"] == "any form 1"
        vacancy = s.create(
            "vacancy",
            {
                "employer": employer,
                "job_title": "Line cook",
                "occupation": "5120",
                "date_registered": datetime.date(2025, 5, 2),
                "wage_min": clmis.Money(Decimal("1500.00"), "JMD"),
            },
        )
        assert s.get("vacancy", vacancy)["wage_min"] == clmis.Money(Decimal("1500.00"), "JMD")
        with pytest.raises(clmis.NotFound):
            db.calendar(2026)
