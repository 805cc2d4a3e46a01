"""Loading libmyriad.so and mirroring its public C API with ctypes.

The structures below copy include/myriad/myriad.h field for field (C enums
are ``c_int``); ``tests/python/test_abi.py`` compiles a small C program and
checks every size and offset against these classes.

ctypes releases the GIL around every call into a library loaded with
``ctypes.CDLL`` (only ``ctypes.PyDLL`` keeps it), so other Python threads run
while the C library steps.  Callbacks from C into Python (the rollout chunk
callback) take the GIL back for their duration.

Where the library comes from, first match wins:
  1. the file named by the environment variable ``MYRIAD_LIB``;
  2. ``libmyriad.so`` inside this package (what ``pip install`` ships);
  3. ``build/libmyriad.so`` of the source tree this package sits in
     (running straight from a checkout after ``make``), then the newest
     other ``build*/libmyriad.so`` there.  A build folder configured with
     sanitizers or fuzzing (``MYR_SANITIZE``/``MYR_FUZZ`` in its
     CMakeCache.txt, as ``make test`` makes them) is never picked: such a
     library cannot run inside a plain interpreter.
"""

import ctypes
import glob
import os

__all__ = [
    "lib", "lib_path", "check", "MyriadError", "MyriadValueError",
    "MyriadMemoryError", "MyriadRuntimeError", "MyriadDeviceError",
    "MyriadInterrupted",
]

# ---------------------------------------------------------------- status

MYR_OK = 0
MYR_ENOMEM = -1
MYR_EINVAL = -2
MYR_ENOENV = -3
MYR_ENODEV = -4
MYR_ENOPARAM = -5
MYR_ERANGE = -6
MYR_ENOFIELD = -7
MYR_EINTR = -9
MYR_EBUSY = -10
MYR_EDEVICE = -11

# every myr_status code, as MYR_STATUS_LIST in myriad.h lists them
STATUS = {
    "MYR_OK": MYR_OK, "MYR_ENOMEM": MYR_ENOMEM, "MYR_EINVAL": MYR_EINVAL,
    "MYR_ENOENV": MYR_ENOENV, "MYR_ENODEV": MYR_ENODEV,
    "MYR_ENOPARAM": MYR_ENOPARAM, "MYR_ERANGE": MYR_ERANGE,
    "MYR_ENOFIELD": MYR_ENOFIELD, "MYR_EINTR": MYR_EINTR,
    "MYR_EBUSY": MYR_EBUSY, "MYR_EDEVICE": MYR_EDEVICE,
}

# enum values (myr_autoreset, myr_precision, myr_space_kind, myr_dist)
AUTORESET = {"same_step": 0, "next_step": 1, "disabled": 2}
PRECISION = {"float32": 0, "float64": 1}
SPACE_DISCRETE = 0
SPACE_BOX = 1
DIST_FIXED = 0


class MyriadError(Exception):
    """A failed libmyriad call; ``status`` is the negative myr_status code."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class MyriadValueError(MyriadError, ValueError):
    """Bad argument: unknown env, parameter or field, out-of-range value."""


class MyriadMemoryError(MyriadError, MemoryError):
    """The library could not allocate what the call needs."""


class MyriadRuntimeError(MyriadError, RuntimeError):
    """Any other failure (I/O, missing backend, stopped rollout)."""


class MyriadDeviceError(MyriadRuntimeError):
    """A CUDA runtime failure other than running out of device memory
    (MYR_EDEVICE: illegal address, launch failure, lost device)."""


class MyriadInterrupted(MyriadError, KeyboardInterrupt):
    """A rollout stopped by Ctrl-C (MYR_EINTR after a signal)."""


_VALUE_ERRORS = (MYR_EINVAL, MYR_ERANGE, MYR_ENOPARAM, MYR_ENOENV, MYR_ENOFIELD)

# ---------------------------------------------------------------- structures

c_int32, c_int64, c_uint64, c_double, c_float = (
    ctypes.c_int32, ctypes.c_int64, ctypes.c_uint64, ctypes.c_double,
    ctypes.c_float)
c_enum = ctypes.c_int


class myr_param_info(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("default_value", c_double),
        ("min_value", c_double),
        ("max_value", c_double),
        ("is_integer", c_int32),
        ("unit", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
    ]


class myr_field_info(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("unit", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("is_integer", c_int32),
        ("writable", c_int32),
        ("max_value", c_double),
    ]


class myr_space(ctypes.Structure):
    _fields_ = [
        ("kind", c_enum),
        ("n", c_int32),
        ("low", c_float),
        ("high", c_float),
    ]


class myr_env_info(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_char_p),
        ("aliases", ctypes.c_char_p),
        ("description", ctypes.c_char_p),
        ("obs_dim", c_int32),
        ("obs_low", c_float),
        ("obs_high", c_float),
        ("action_space", myr_space),
        ("num_params", c_int32),
        ("params", ctypes.POINTER(myr_param_info)),
        ("num_fields", c_int32),
        ("fields", ctypes.POINTER(myr_field_info)),
        ("max_steps_default", c_int32),
        ("state_bytes_per_env", ctypes.c_size_t),
        ("observation", ctypes.c_char_p),
        ("reward", ctypes.c_char_p),
    ]


class myr_param_setting(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("dist", c_enum),
        ("a", c_double),
        ("b", c_double),
    ]


class myr_batch_def(ctypes.Structure):
    _fields_ = [
        ("seed", c_uint64),
        ("threads", c_int32),
        ("precision", c_enum),
        ("autoreset", c_enum),
        ("env_offset", c_int64),
        ("num_params", c_int32),
        ("params", ctypes.POINTER(myr_param_setting)),
        ("backend", c_int32),
        ("model", ctypes.c_void_p),
    ]


class myr_model_opts(ctypes.Structure):
    _fields_ = [
        ("input", ctypes.c_char_p),
        ("input_levels", c_int32),
        ("input_max", c_double),
        ("observe", ctypes.c_char_p),
        ("dt", c_double),
        ("horizon", c_int32),
        ("cap", c_int32),
        ("reward", ctypes.c_char_p),
        ("target", c_double),
        ("sidecar", ctypes.c_char_p),
        ("input_space", ctypes.c_char_p),
    ]


class myr_step_out(ctypes.Structure):
    _fields_ = [
        ("obs", ctypes.c_void_p),
        ("reward", ctypes.c_void_p),
        ("terminated", ctypes.c_void_p),
        ("truncated", ctypes.c_void_p),
        ("final_obs", ctypes.c_void_p),
    ]


class myr_traj_chunk(ctypes.Structure):
    _fields_ = [
        ("step0", c_uint64),
        ("steps", c_int64),
        ("num_envs", c_int64),
        ("obs_dim", c_int32),
        ("action_dim", c_int32),
        ("obs", ctypes.c_void_p),
        ("action", ctypes.c_void_p),
        ("reward", ctypes.c_void_p),
        ("terminated", ctypes.c_void_p),
        ("truncated", ctypes.c_void_p),
    ]


myr_chunk_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(myr_traj_chunk),
                                ctypes.c_void_p)


class myr_rollout_def(ctypes.Structure):
    _fields_ = [
        ("steps", c_int64),
        ("policy", ctypes.c_char_p),
        ("chunk_size", c_int64),
        ("on_chunk", myr_chunk_fn),
        ("user", ctypes.c_void_p),
        # volatile sig_atomic_t*: sig_atomic_t is int on Linux (test_abi
        # checks its size)
        ("stop", ctypes.POINTER(ctypes.c_int)),
    ]


class myr_rollout_stats(ctypes.Structure):
    _fields_ = [
        ("steps", c_int64),
        ("episodes", c_int64),
        ("mean_return", c_double),
        ("mean_length", c_double),
        ("wall_seconds", c_double),
        ("cap_hits", c_int64),
        ("reactions", c_int64),
        ("length_sum", c_int64),
        ("return_sum_fixed", c_int64),
        ("return_sum_fixed_hi", c_int64),
        ("return_overflows", c_int64),
        ("chunk_size", c_int64),
        ("block_size", c_int64),
        ("bad_propensities", c_int64),
    ]


# ---------------------------------------------------------------- loading

def _candidates():
    env = os.environ.get("MYRIAD_LIB")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    found = [os.path.join(here, "libmyriad.so")]
    root = os.path.dirname(os.path.dirname(here))  # python/myriad -> repo
    builds = [p for p in glob.glob(os.path.join(root, "build*", "libmyriad.so"))
              if _plain_build(os.path.dirname(p))]
    builds.sort(key=lambda p: (os.path.basename(os.path.dirname(p)) != "build",
                               -os.path.getmtime(p)))
    return found + builds


def _plain_build(build_dir):
    """True unless the CMake cache of build_dir turns on sanitizers or fuzzing."""
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                name = key.split(":", 1)[0]
                if name == "MYR_SANITIZE" and value:
                    return False
                if name == "MYR_FUZZ" and value.upper() in ("ON", "1", "TRUE", "YES"):
                    return False
    except OSError:
        return False  # not a CMake build folder
    return True


def _load():
    tried = []
    explicit = bool(os.environ.get("MYRIAD_LIB"))
    for path in _candidates():
        if not os.path.isfile(path):
            tried.append(path + " (missing)")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:  # e.g. a sanitizer build: try the next one
            if explicit:
                raise ImportError("myriad: cannot load MYRIAD_LIB=%s: %s" %
                                  (path, e)) from e
            tried.append("%s (%s)" % (path, e))
    raise ImportError(
        "myriad: libmyriad.so not found (tried: %s); build it with "
        "'cmake --build <dir> --target myriad_shared' and set MYRIAD_LIB, "
        "or install the package with pip" % ", ".join(tried))


lib, lib_path = _load()

_P = ctypes.c_void_p


def _fn(name, restype, argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = argtypes
    return f


myr_strerror = _fn("myr_strerror", ctypes.c_char_p, [ctypes.c_int])
myr_last_error = _fn("myr_last_error", ctypes.c_char_p, [])
myr_env_count = _fn("myr_env_count", c_int32, [])
myr_env_at = _fn("myr_env_at", ctypes.POINTER(myr_env_info), [c_int32])
myr_env_find = _fn("myr_env_find", ctypes.POINTER(myr_env_info),
                   [ctypes.c_char_p])
myr_batch_def_default = _fn("myr_batch_def_default", myr_batch_def, [])
myr_batch_create = _fn("myr_batch_create", ctypes.c_int,
                       [ctypes.c_char_p, c_int64,
                        ctypes.POINTER(myr_batch_def),
                        ctypes.POINTER(ctypes.c_void_p)])
myr_batch_destroy = _fn("myr_batch_destroy", None, [_P])
myr_batch_env = _fn("myr_batch_env", ctypes.POINTER(myr_env_info), [_P])
myr_batch_num_envs = _fn("myr_batch_num_envs", c_int64, [_P])
myr_batch_threads = _fn("myr_batch_threads", c_int32, [_P])
myr_batch_autoreset = _fn("myr_batch_autoreset", c_enum, [_P])
myr_batch_precision = _fn("myr_batch_precision", c_enum, [_P])
myr_batch_seed = _fn("myr_batch_seed", c_uint64, [_P])
myr_batch_clock = _fn("myr_batch_clock", c_uint64, [_P])
myr_batch_state_bytes = _fn("myr_batch_state_bytes", ctypes.c_size_t, [_P])
myr_batch_cap_hits = _fn("myr_batch_cap_hits", c_int64, [_P])
myr_batch_bad_propensities = _fn("myr_batch_bad_propensities", c_int64, [_P])
myr_batch_set_threads = _fn("myr_batch_set_threads", ctypes.c_int,
                            [_P, c_int32])
myr_batch_reset = _fn("myr_batch_reset", ctypes.c_int,
                      [_P, ctypes.POINTER(c_uint64), _P])
myr_batch_reset_mask = _fn("myr_batch_reset_mask", ctypes.c_int, [_P, _P, _P])
# step functions take raw addresses: the hot path passes plain ints
myr_batch_step = _fn("myr_batch_step", ctypes.c_int, [_P, _P, _P])
myr_batch_step_i64 = _fn("myr_batch_step_i64", ctypes.c_int, [_P, _P, _P])
myr_batch_step_box = _fn("myr_batch_step_box", ctypes.c_int, [_P, _P, _P])
myr_batch_random_actions = _fn("myr_batch_random_actions", ctypes.c_int,
                               [_P, _P])
myr_batch_observe = _fn("myr_batch_observe", ctypes.c_int, [_P, _P])
myr_batch_get_state = _fn("myr_batch_get_state", ctypes.c_int,
                          [_P, ctypes.c_char_p, _P])
myr_batch_set_state = _fn("myr_batch_set_state", ctypes.c_int,
                          [_P, ctypes.c_char_p, _P])
myr_batch_get_param = _fn("myr_batch_get_param", ctypes.c_int,
                          [_P, ctypes.c_char_p, _P])
myr_batch_state_hash = _fn("myr_batch_state_hash", c_uint64, [_P])
myr_rollout_def_default = _fn("myr_rollout_def_default", myr_rollout_def, [])
myr_batch_rollout = _fn("myr_batch_rollout", ctypes.c_int,
                        [_P, ctypes.POINTER(myr_rollout_def),
                         ctypes.POINTER(myr_rollout_stats)])
myr_policy_check = _fn("myr_policy_check", ctypes.c_int,
                       [ctypes.POINTER(myr_env_info), ctypes.c_char_p])
myr_param_parse = _fn("myr_param_parse", ctypes.c_int,
                      [ctypes.c_char_p, ctypes.POINTER(myr_param_setting),
                       ctypes.c_char_p, ctypes.c_size_t])
myr_autoreset_name = _fn("myr_autoreset_name", ctypes.c_char_p, [c_enum])
myr_precision_name = _fn("myr_precision_name", ctypes.c_char_p, [c_enum])
myr_build_info = _fn("myr_build_info", ctypes.c_char_p, [])
myr_simd_isa = _fn("myr_simd_isa", ctypes.c_char_p, [])
myr_cpu_count = _fn("myr_cpu_count", c_int32, [])
myr_model_opts_default = _fn("myr_model_opts_default", myr_model_opts, [])
myr_model_load = _fn("myr_model_load", ctypes.c_int,
                     [ctypes.c_char_p, ctypes.POINTER(myr_model_opts),
                      ctypes.POINTER(ctypes.c_void_p)])
myr_model_destroy = _fn("myr_model_destroy", None, [_P])
myr_model_name = _fn("myr_model_name", ctypes.c_char_p, [_P])
myr_sbml_available = _fn("myr_sbml_available", ctypes.c_int, [])


def error(status, interrupted_by_signal=False, message=None):
    """The Python exception for a failed call.

    The message is myr_last_error() of the calling thread unless given
    (bytes, read on the thread that made the call)."""
    if message is None:
        message = myr_last_error()
    msg = (message or b"").decode("utf-8", "replace")
    if not msg:
        msg = myr_strerror(status).decode()
    if status in _VALUE_ERRORS:
        return MyriadValueError(msg, status)
    if status == MYR_ENOMEM:
        return MyriadMemoryError(msg, status)
    if status == MYR_EDEVICE:
        return MyriadDeviceError(msg, status)
    if status == MYR_EINTR and interrupted_by_signal:
        return MyriadInterrupted(msg, status)
    return MyriadRuntimeError(msg, status)


def check(status):
    """Raise the matching exception unless status is MYR_OK."""
    if status != MYR_OK:
        raise error(status)
