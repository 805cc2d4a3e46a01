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
    d = os.environ.get("MYRIAD_DATA_DIR") or os.path.join(ROOT, "tests", "data")
    if not os.path.isdir(d):  # the data ships with the repository
        pytest.fail("reference data directory %s not found" % d)
    return d


@pytest.fixture(scope="session")
def root_dir():
    return ROOT
