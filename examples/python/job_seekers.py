"""examples/python/job_seekers.py — the employment services registry from Python.

Creates a database for Saint Kitts and Nevis, registers an employer with a vacancy (Form 25,
wages as exact money) and four job seekers (Form 24) with their "other sections", shows the
possible-duplicate warning and a refused record, moves the job seekers through their lifecycle,
counts them by state at two month ends from the history, and reads the active ones into a pandas
DataFrame to count them by sex and parish, with the labels of the code lists.

    usage: CLMIS_PASSWORD=... /usr/bin/python3 examples/python/job_seekers.py [DATABASE]

DATABASE must not exist yet; without it the database is made in a temporary directory and
removed at the end. With the build tree: PYTHONPATH=build/python. Run by the test suite
(tests/CMakeLists.txt, test python.example_job_seekers).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import clmis

D = dt.date


def run(path: Path, password: str) -> None:
    # 1. A new database: the standard pack and the KNA country profile, and its administrator.
    with clmis.create(path, country="KNA", admin_password=password) as db:
        s = db.login("admin", password)
        print(f"1. created {path.name} with clmis {clmis.__version__}; logged in as {s.user}")

        # 2. An employer and its vacancy for two cooks (ISCO-08 5120), wages in XCD.
        employer = s.create("employer", {"name": "Sugar Bay Club", "isic_class": "5510", "parish": "KN-09",
                                         "contacts": [{"name": "Dwayne Hanley", "position": "Manager"}]})
        vacancy = s.create("vacancy", {
            "employer": employer, "job_title": "Cook", "occupation": "5120", "positions": 2,
            "wage_min": clmis.Money(Decimal("1500.00"), "XCD"),
            "wage_max": clmis.Money(Decimal("2200.00"), "XCD"), "wage_period": "month",
            "date_registered": D(2025, 5, 2), "closing_date": D(2025, 5, 30)})
        v = s.get("vacancy", vacancy)
        print(f"2. vacancy {vacancy}: {v['positions']} x {v['job_title']}, {v['wage_min']} to {v['wage_max']} "
              f"a {v['wage_period']}, status {v['status']}")

        # 3. Job seekers; clmis assigns the registration numbers.
        people = [
            ("Keisha", "Liburd", "F", D(1999, 7, 14), "KN-03", "1846398", D(2025, 3, 3)),
            ("Jomo", "Browne", "M", D(1988, 1, 2), "KN-01", "2200456", D(2025, 3, 10)),
            ("Ava", "Hodge", "F", D(2001, 12, 31), "KN-03", "3107781", D(2025, 4, 1)),
            ("Tyrell", "Williams", "M", D(1995, 5, 5), "KN-09", "4410023", D(2025, 4, 7)),
        ]
        ids = []
        for first, family, sex, born, parish, nis, registered in people:
            ids.append(s.create("job_seeker", {
                "registration_date": registered, "first_name": first, "family_name": family, "sex": sex,
                "date_of_birth": born, "parish": parish, "nis_number": nis,
                "education": [{"isced_level": "3", "institution": "Basseterre High School"}],
                "desired_occupations": [{"occupation": "5120"}]}))
        numbers = [s.get("job_seeker", i)["registration_no"] for i in ids]
        print(f"3. registered {len(ids)} job seekers: {', '.join(numbers)}")

        # 4. The same names and birth date again: stored, with a warning naming the other.
        again = s.create("job_seeker", {"registration_date": D(2025, 4, 8), "first_name": "KEISHA",
                                        "family_name": "Liburd", "sex": "F", "date_of_birth": D(1999, 7, 14)})
        for w in s.warnings:
            print(f"4. warning on job seeker {again}: {w['message']} (other: {w['other_id']})")
        s.archive("job_seeker", again, 1, "registered twice by mistake")

        # 5. A refused record: every problem at once, and nothing written.
        try:
            s.create("job_seeker", {"registration_date": D(2025, 4, 8), "first_name": "Baby",
                                    "family_name": "Liburd", "sex": "X", "date_of_birth": D(2024, 1, 1),
                                    "hours_wanted": 100})
        except clmis.ValidationError as e:
            print(f"5. refused ({len(e.errors)} problems):")
            for x in e.errors:
                print(f"   {x['path'] or '(record)'}: {x['rule']}: {x['message']}")

        # 6. Lifecycles: a status changes only through a transition, each a dated history row.
        keisha, jomo, ava, tyrell = ids
        for person in ids:
            s.transition("job_seeker", person, 1, "activate", effective_date=s.get("job_seeker", person)["registration_date"])
        s.transition("job_seeker", keisha, 2, "close", effective_date=D(2025, 5, 20), outcome="placed",
                     closed_note="hired by Sugar Bay Club")
        s.transition("job_seeker", jomo, 2, "deactivate", effective_date=D(2025, 4, 30), inactive_reason="training")
        s.transition("vacancy", vacancy, 1, "close", effective_date=D(2025, 5, 20), outcome="filled")
        try:
            s.transition("job_seeker", keisha, 3, "close", outcome="placed")
        except clmis.Conflict as e:
            print(f"6. a second close is refused: {e}")
        steps = [f"{h['effective_date']} {h['event']} -> {h['to']}" for h in s.history("job_seeker", keisha)
                 if h["field"] == "status"]
        print(f"   Keisha's history: {'; '.join(steps)}")

        # 7. Stocks from the history: job seekers in each state at two month ends.
        for day in (D(2025, 3, 31), D(2025, 5, 31)):
            counts = s.status_counts("job_seeker", day)["counts"]
            print(f"7. on {day}: " + ", ".join(f"{state} {n}" for state, n in counts.items()))

        # 8. The active job seekers as a DataFrame, counted by sex and parish with their labels.
        df = s.query("job_seeker", {"status": "active"}, sort="family_name").to_pandas()
        sex_label = {c["code"]: c["label"] for c in db.codes("sex")}
        parish_label = {c["code"]: c["label"] for c in db.codes("parish")}
        table = df.groupby(["sex", "parish"], observed=True).size()
        print(f"8. {len(df)} active job seekers ({', '.join(df['first_name'])}); by sex and parish:")
        for (sx, pa), n in table.items():
            print(f"   {sex_label[sx]:<7} {parish_label[pa]:<32} {n}")
        print(f"   dtypes: registration_date {df['registration_date'].dtype}, sex {df['sex'].dtype}, "
              f"id {df['id'].dtype}")

        # 9. The change feed an integrator mirrors.
        feed = s.changes_since(0)
        print(f"9. {len(feed['changes'])} changes, last_seq {feed['last_seq']}")
    print("done.")


def main(argv: list) -> int:
    password = os.environ.get("CLMIS_PASSWORD")
    if not password or len(argv) > 2:
        print(f"usage: CLMIS_PASSWORD=... {argv[0]} [DATABASE]", file=sys.stderr)
        return 2
    if len(argv) == 2:
        run(Path(argv[1]), password)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(Path(tmp) / "nlad.db", password)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
