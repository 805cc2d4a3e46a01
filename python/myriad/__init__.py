"""Myriad: millions of RL environments stepped in parallel, from Python.

A thin ctypes binding over libmyriad (the C library does all the physics)::

    import numpy as np
    import myriad

    env = myriad.make("cartpole", 100_000, seed=0)
    obs, info = env.reset(seed=0)
    actions = np.zeros(env.num_envs, dtype=np.int32)
    obs, reward, terminated, truncated, info = env.step(actions)
    stats = env.rollout(1000, policy="random")   # fused, inside C

With gymnasium importable, importing myriad also registers every env in
Gymnasium's registry under ``Myriad/`` (``gymnasium.make_vec(
"Myriad/CartPole-v1", num_envs=N, vectorization_mode="vector_entry_point")``,
``gymnasium.make("Myriad/CartPole-v1")``); see :mod:`myriad.gymnasium_envs`.

See docs/python.md for the full interface.
"""

from ._lib import (MyriadDeviceError, MyriadError, MyriadInterrupted,
                   MyriadMemoryError, MyriadRuntimeError, MyriadValueError,
                   lib_path)
from ._lib import myr_build_info as _build_info
from ._lib import myr_simd_isa as _simd_isa
from .env import VectorEnv, env_info, envs, make
from .spaces import HAVE_GYMNASIUM


def _gymnasium_ok():
    from .env import _GymAutoresetMode
    return _GymAutoresetMode is not None

__version__ = "0.1.0"

# myriad env id -> Gymnasium id, when gymnasium (>= 1.1: AutoresetMode) is
# importable and the envs are in its registry
GYMNASIUM_IDS = {}
if HAVE_GYMNASIUM and _gymnasium_ok():
    from . import gymnasium_envs as _gymnasium_envs
    _gymnasium_envs.register()
    GYMNASIUM_IDS = _gymnasium_envs.gym_ids()

__all__ = [
    "make", "VectorEnv", "envs", "env_info", "build_info", "simd_isa",
    "MyriadError", "MyriadValueError", "MyriadMemoryError",
    "MyriadRuntimeError", "MyriadDeviceError", "MyriadInterrupted",
    "lib_path", "HAVE_GYMNASIUM", "GYMNASIUM_IDS",
    "__version__",
]


def build_info():
    """Backends and SIMD ISA libmyriad was compiled with."""
    return _build_info().decode()


def simd_isa():
    """SIMD instruction set of the C kernels ("avx2+fma", ...)."""
    return _simd_isa().decode()
