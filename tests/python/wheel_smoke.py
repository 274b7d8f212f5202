"""Run by wheel_test.sh inside a fresh venv where the wheel is installed: the package imports
without pandas, is the installed copy (not the build tree), carries its type stubs, and works."""

import datetime
import importlib.util
import os
import sys
from decimal import Decimal
from pathlib import Path

import clmis

db_path = sys.argv[1]
package = Path(clmis.__file__).resolve().parent
assert Path(sys.prefix).resolve() in package.parents, f"clmis imported from {package}, not the venv"
assert importlib.util.find_spec("pandas") is None, "a plain venv has no pandas"
for name in ("py.typed", "__init__.pyi", "_core.pyi"):
    assert (package / name).is_file(), f"{name} is not installed"
assert clmis.__version__ == os.environ["CLMIS_EXPECTED_VERSION"], clmis.__version__

password = "wheel-password-1"
with clmis.create(db_path, country="KNA", admin_password=password) as db:
    s = db.login("admin", password)
    vid = s.create("employer", {"name": "Wheel Works Ltd", "parish": "KN-03"})
    v = s.create("vacancy", {"employer": vid, "job_title": "Welder", "occupation": "7212",
                             "date_registered": datetime.date(2025, 1, 6),
                             "wage_min": clmis.Money(Decimal("1800.00"), "XCD")})
    got = s.get("vacancy", v)
    assert got["wage_min"] == clmis.Money(Decimal("1800.00"), "XCD"), got["wage_min"]
    assert got["date_registered"] == datetime.date(2025, 1, 6)
    assert [r["id"] for r in s.query("vacancy")] == [v]
    try:
        s.query("vacancy").to_pandas()
    except ImportError as e:
        assert "pandas" in str(e)
    else:
        raise AssertionError("to_pandas() without pandas must raise ImportError")
assert db.closed
print("wheel: installed into a venv and used without pandas")
