"""Shared fixtures: import the binding from the source tree, find the data.

MYRIAD_LIB (set by CTest) names the libmyriad.so under test; without it the
binding searches the package directory and build*/ of the checkout.
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))


@pytest.fixture(scope="session")
def data_dir():
    given = os.environ.get("MYRIAD_DATA_DIR")
    d = given or os.path.join(ROOT, "..", "shared", "data")
    if not os.path.isdir(d):
        if given:  # CTest passes it: missing data is a failure there
            pytest.fail("MYRIAD_DATA_DIR=%s is not a directory" % d)
        pytest.skip("reference data directory %s not found (set MYRIAD_DATA_DIR)" % d)
    return d


@pytest.fixture(scope="session")
def root_dir():
    return ROOT
