"""Myriad: millions of RL environments stepped in parallel, from Python.

A thin ctypes binding over libmyriad (the C library does all the physics)::

    import numpy as np
    import myriad

    env = myriad.make("cartpole", 100_000, seed=0)
    obs, info = env.reset(seed=0)
    actions = np.zeros(env.num_envs, dtype=np.int32)
    obs, reward, terminated, truncated, info = env.step(actions)
    stats = env.rollout(1000, policy="random")   # fused, inside C

See docs/python.md for the full interface.
"""

from ._lib import (MyriadDeviceError, MyriadError, MyriadInterrupted,
                   MyriadMemoryError, MyriadRuntimeError, MyriadValueError,
                   lib_path)
from ._lib import myr_build_info as _build_info
from ._lib import myr_simd_isa as _simd_isa
from .env import VectorEnv, env_info, envs, make
from .spaces import HAVE_GYMNASIUM

__version__ = "0.1.0"

__all__ = [
    "make", "VectorEnv", "envs", "env_info", "build_info", "simd_isa",
    "MyriadError", "MyriadValueError", "MyriadMemoryError",
    "MyriadRuntimeError", "MyriadDeviceError", "MyriadInterrupted",
    "lib_path", "HAVE_GYMNASIUM",
    "__version__",
]


def build_info():
    """Backends and SIMD ISA libmyriad was compiled with."""
    return _build_info().decode()


def simd_isa():
    """SIMD instruction set of the C kernels ("avx2+fma", ...)."""
    return _simd_isa().decode()
