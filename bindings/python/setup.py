"""Builds the clmis wheel: setuptools drives CMake (scikit-build is not in Debian 12).

build_ext configures the repository (two directories up, or CLMIS_SOURCE_DIR) in the build
directory, builds only the target clmis_python (the module clmis._core, linking the static
library), and copies it next to the pure-Python files of clmis/. Nothing is downloaded.

Environment: CLMIS_SOURCE_DIR (the repository, default ../..), CMAKE (the cmake program),
CMAKE_BUILD_PARALLEL_LEVEL (jobs, default 2), CLMIS_CMAKE_ARGS (more CMake arguments, split as
a shell would: a toolchain file, compiler flags; they come last, so they win).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SOURCE = Path(os.environ.get("CLMIS_SOURCE_DIR") or HERE.parent.parent).resolve()


def clmis_version() -> str:
    """The version of include/clmis/version.h, which CMake's PROJECT_VERSION also reads."""
    header = (SOURCE / "include" / "clmis" / "version.h").read_text(encoding="utf-8")
    match = re.search(r'^#define CLMIS_VERSION "([0-9.]+)"', header, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no CLMIS_VERSION in {SOURCE}/include/clmis/version.h")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        cmake = os.environ.get("CMAKE", "cmake")
        build_dir = Path(self.build_temp).resolve() / "cmake"
        subprocess.run(
            [
                cmake, "-S", str(SOURCE), "-B", str(build_dir),
                "-DCMAKE_BUILD_TYPE=Release",
                f"-DPython3_EXECUTABLE={sys.executable}",
                "-DCLMIS_PYTHON=ON",
                "-DCLMIS_BUILD_TESTS=OFF",
                # Warnings are errors in the project's CI, not on a user's compiler.
                "-DCLMIS_WERROR=OFF",
                *shlex.split(os.environ.get("CLMIS_CMAKE_ARGS", "")),
            ],
            check=True,
        )
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.run(
            [cmake, "--build", str(build_dir), "--target", "clmis_python", "-j", jobs],
            check=True,
        )
        built = sorted((build_dir / "python" / "clmis").glob("_core.*so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one compiled module in {build_dir}/python/clmis, found {built}")
        dest = Path(self.get_ext_fullpath(ext.name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], dest)


setup(
    version=clmis_version(),
    packages=["clmis"],
    package_data={"clmis": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("clmis._core")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
