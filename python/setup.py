"""Install the myriad Python package with libmyriad.so inside it.

    /usr/bin/python3 -m pip install --no-build-isolation ./python

build_py runs CMake on the source tree this directory belongs to (the
parent of python/), builds only the ``myriad_shared`` target in
python/build/cmake, and copies libmyriad.so into the package.  Set
``MYRIAD_LIB=/path/to/libmyriad.so`` to ship an already-built library
instead, or ``MYRIAD_SOURCE_DIR`` when this directory was copied away from
the source tree.  ``MYRIAD_CMAKE_ARGS`` adds CMake options (e.g.
``-DMYR_NATIVE=OFF`` for a library that runs on other CPUs).
"""

import os
import shlex
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))


def _source_dir():
    src = os.environ.get("MYRIAD_SOURCE_DIR") or os.path.dirname(HERE)
    if not os.path.isfile(os.path.join(src, "include", "myriad", "myriad.h")):
        raise SystemExit(
            "myriad setup: no libmyriad sources at %s; set MYRIAD_SOURCE_DIR "
            "to the repository root or MYRIAD_LIB to a built libmyriad.so" %
            src)
    return src


def _build_library(build_temp):
    prebuilt = os.environ.get("MYRIAD_LIB")
    if prebuilt:
        if not os.path.isfile(prebuilt):
            raise SystemExit("myriad setup: MYRIAD_LIB=%s does not exist" %
                             prebuilt)
        return prebuilt
    cmake = shutil.which("cmake")
    if cmake is None:
        raise SystemExit("myriad setup: cmake not found (needed to build "
                         "libmyriad.so; or set MYRIAD_LIB)")
    src = _source_dir()
    os.makedirs(build_temp, exist_ok=True)
    extra = shlex.split(os.environ.get("MYRIAD_CMAKE_ARGS", ""))
    subprocess.check_call([cmake, "-S", src, "-B", build_temp,
                           "-DCMAKE_BUILD_TYPE=Release", "-DMYR_TESTS=OFF"] +
                          extra)
    jobs = str(os.cpu_count() or 2)
    subprocess.check_call([cmake, "--build", build_temp, "--target",
                           "myriad_shared", "-j", jobs])
    lib = os.path.join(build_temp, "libmyriad.so")
    if not os.path.isfile(lib):
        raise SystemExit("myriad setup: build did not produce %s" % lib)
    return lib


class BuildPyWithLibrary(build_py):
    """build_py that also builds libmyriad.so and ships it in the package."""

    def run(self):
        super().run()
        lib = _build_library(os.path.join(HERE, "build", "cmake"))
        dest = os.path.join(self.build_lib, "myriad", "libmyriad.so")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        self.copy_file(lib, dest)


class BinaryDistribution(Distribution):
    """The wheel holds a native library: tag it for this platform."""

    def has_ext_modules(self):
        return True


setup(
    name="myriad",
    version="0.1.0",
    description="Millions of RL environments stepped in parallel (C library "
                "with a zero-copy NumPy binding)",
    packages=["myriad"],
    package_data={"myriad": ["libmyriad.so"]},
    python_requires=">=3.8",
    install_requires=["numpy"],
    cmdclass={"build_py": BuildPyWithLibrary},
    distclass=BinaryDistribution,
    zip_safe=False,
)
