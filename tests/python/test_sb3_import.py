"""myriad.sb3 imports without Stable-Baselines3 and, used without it,
raises ImportError saying what to install (runs with or without SB3)."""
import sys

import pytest

import myriad.sb3 as msb3


def test_without_sb3_a_clear_import_error(monkeypatch):
    monkeypatch.setattr(msb3, "_CLASS", None)
    # None in sys.modules: the import fails as if the package were missing
    monkeypatch.setitem(sys.modules, "stable_baselines3", None)
    monkeypatch.setitem(sys.modules, "stable_baselines3.common", None)
    monkeypatch.setitem(sys.modules, "stable_baselines3.common.vec_env",
                        None)
    with pytest.raises(ImportError, match="pip install 'myriad\\[sb3\\]'"):
        msb3.make_vec_env("cartpole", 2)
    with pytest.raises(ImportError, match="stable-baselines3"):
        msb3.MyriadVecEnv
    with pytest.raises(AttributeError):
        msb3.no_such_name
