"""The vector environment: a batch of libmyriad environments seen from Python.

Buffers: the observation, reward, terminated, truncated (and, in same_step
mode, final-observation) arrays are allocated once, when the environment is
made, and their addresses sit in a prebuilt ``myr_step_out`` structure.
``step()`` passes that structure to ``myr_batch_step``, which writes the
results straight into the NumPy arrays, and returns those same arrays: no
per-step allocation or copy.  A caller who keeps results across steps asks
for ``copy=True``.

Actions: an ``int32`` C-contiguous array of shape ``(num_envs,)`` is passed
to C as it is (``myr_batch_step``), and so is an ``int64`` one (the dtype of
``action_space.sample()``), through ``myr_batch_step_i64``, which checks the
int64 values and narrows them in C at the int32 speed.  Other integer arrays
and lists are copied into an ``int32`` buffer allocated with the env, after
checking that every value is a valid action (so a cast cannot wrap an
invalid action into a valid one).  The range check against the action space
happens in C too and fails with ``ValueError`` without changing the batch.
"""

import ctypes
import math
import os
import threading

import numpy as np

from . import _lib as L
from . import render as _render
from . import spaces

try:  # pragma: no cover - depends on the machine
    from gymnasium.vector import VectorEnv as _VectorBase
except Exception:
    _VectorBase = object
try:  # gymnasium >= 1.1
    from gymnasium.vector import AutoresetMode as _GymAutoresetMode
except Exception:
    _GymAutoresetMode = None

_INT32 = np.dtype(np.int32)
_INT64 = np.dtype(np.int64)
_FLOAT32 = np.dtype(np.float32)
_I32_MIN, _I32_MAX = -(2 ** 31), 2 ** 31 - 1
_U64_MAX = 2 ** 64 - 1
# the unsigned view of the wide signed integers (range check of actions)
_UNSIGNED = {4: np.dtype(np.uint32), 8: np.dtype(np.uint64)}
_max = np.maximum.reduce


def _env_id_bytes(env_id):
    if not isinstance(env_id, str):
        raise TypeError("env_id must be a string, not %s" % type(env_id).__name__)
    return env_id.encode()


def _info_dict(info):
    """Plain-Python description of a myr_env_info."""
    params = {}
    for k in range(info.num_params):
        p = info.params[k]
        params[p.name.decode()] = {
            "default": p.default_value, "min": p.min_value,
            "max": p.max_value, "integer": bool(p.is_integer),
            "unit": p.unit.decode(), "description": p.description.decode()}
    fields = {}
    for k in range(info.num_fields):
        f = info.fields[k]
        fields[f.name.decode()] = {
            "unit": f.unit.decode(), "description": f.description.decode(),
            "integer": bool(f.is_integer), "writable": bool(f.writable)}
    a = info.action_space
    return {
        "id": info.id.decode(),
        "aliases": [s for s in info.aliases.decode().split(",") if s],
        "description": info.description.decode(),
        "obs_dim": info.obs_dim,
        "obs_low": float(info.obs_low), "obs_high": float(info.obs_high),
        "action_space": {"kind": "discrete" if a.kind == L.SPACE_DISCRETE
                         else "box", "n": a.n, "low": float(a.low),
                         "high": float(a.high)},
        "params": params, "fields": fields,
        "max_steps": info.max_steps_default,
        "state_bytes_per_env": info.state_bytes_per_env,
    }


def envs():
    """Metadata of every registered environment, keyed by canonical id."""
    out = {}
    for i in range(L.myr_env_count()):
        d = _info_dict(L.myr_env_at(i).contents)
        out[d["id"]] = d
    return out


def env_info(env_id):
    """Metadata of one environment (id or alias); ValueError if unknown."""
    p = L.myr_env_find(_env_id_bytes(env_id))
    if not p:
        raise L.error(L.MYR_ENOENV)
    return _info_dict(p.contents)


def _param_setting(name, value):
    """One keyword argument of make() as a myr_param_setting."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("parameter %r: expected a number or a string such as "
                        "'uniform(1,2)', not bool" % name)
    if isinstance(value, (int, float, np.integer, np.floating)):
        s = L.myr_param_setting()
        s.name = name.encode()
        s.dist = L.DIST_FIXED
        s.a = float(value)
        s.b = 0.0
        return s, None
    if isinstance(value, str):
        s = L.myr_param_setting()
        buf = ctypes.create_string_buffer(256)
        L.check(L.myr_param_parse(("%s=%s" % (name, value)).encode(),
                                  ctypes.byref(s), buf, len(buf)))
        return s, buf  # s.name points into buf: keep buf alive
    raise TypeError("parameter %r: expected a number or a string such as "
                    "'uniform(1,2)', not %s" % (name, type(value).__name__))


def _as_int(what, value, lo, hi):
    """value as an int in [lo, hi], checked before ctypes could truncate it."""
    if isinstance(value, (bool, np.bool_)) or \
            not isinstance(value, (int, np.integer)):
        raise TypeError("%s must be an int, not %s" % (what, type(value).__name__))
    value = int(value)
    if not lo <= value <= hi:
        raise ValueError("%s must be in [%d, %d] (got %d)" % (what, lo, hi, value))
    return value


def _as_seed(seed):
    if isinstance(seed, (bool, np.bool_)) or \
            not isinstance(seed, (int, np.integer)):
        raise TypeError("seed must be an int, not %s" % type(seed).__name__)
    seed = int(seed)
    if not 0 <= seed <= _U64_MAX:
        raise ValueError("seed must be in [0, 2**64) (got %d)" % seed)
    return seed


def _seed_key(seed, num_envs):
    """The batch key of a reset seed: None, an int, or one seed per env.

    A list ``[s, s + 1, ..., s + N - 1]`` (what Gymnasium's vector envs make
    of the int ``s``) is the key ``s``; a list of ``None`` is ``None``; any
    other list of ints is hashed into one 64-bit key (NumPy's SeedSequence),
    so the same list gives the same episodes.  The batch has one key: env i's
    episodes do not depend on ``seed[i]`` alone."""
    if seed is None:
        return None
    if isinstance(seed, (list, tuple, np.ndarray)):
        seeds = list(seed)
        if len(seeds) != num_envs:
            raise ValueError("reset: a list of seeds needs one per env (%d), "
                             "got %d" % (num_envs, len(seeds)))
        if all(s is None for s in seeds):
            return None
        if any(s is None for s in seeds):
            raise ValueError("reset: a list of seeds must be all ints or all "
                             "None (the batch has one key)")
        vals = [_as_seed(s) for s in seeds]
        s0 = vals[0]
        if s0 + num_envs - 1 <= _U64_MAX and \
                all(v == s0 + i for i, v in enumerate(vals)):
            return s0
        key = np.random.SeedSequence(vals).generate_state(1, np.uint64)[0]
        return int(key)
    return _as_seed(seed)


def _same(a, b):
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # e.g. arrays of several values
        return False


def _autoreset_name(autoreset):
    """"same_step", "next_step" or "disabled" from a name or an AutoresetMode."""
    if _GymAutoresetMode is not None and \
            isinstance(autoreset, _GymAutoresetMode):
        return {_GymAutoresetMode.SAME_STEP: "same_step",
                _GymAutoresetMode.NEXT_STEP: "next_step",
                _GymAutoresetMode.DISABLED: "disabled"}[autoreset]
    if autoreset not in L.AUTORESET:
        raise ValueError("autoreset must be one of %s (got %r)" %
                         (", ".join(L.AUTORESET), autoreset))
    return autoreset


def _obs_bounds(env_id, od, low, high, params):
    """Per-dimension observation bounds: Gymnasium's for the envs it has
    (derived, as Gymnasium derives them, from the env's parameters; the
    widest over the envs when a parameter varies per env), else the
    library's bounds (one low and one high for every dimension)."""
    def top(name):
        return float(np.max(params[name]))

    def bottom(name):
        return float(np.min(params[name]))

    if env_id == "cartpole-v1":
        # gymnasium/envs/classic_control/cartpole.py: 2 x the termination
        # thresholds, so a terminal observation is still inside
        theta = top("theta_threshold_deg") * 2 * math.pi / 360
        hi = np.array([top("x_threshold") * 2, np.inf, theta * 2, np.inf],
                      dtype=np.float32)
        return -hi, hi
    if env_id == "pendulum-v1":
        hi = np.array([1.0, 1.0, top("max_speed")], dtype=np.float32)
        return -hi, hi
    if env_id == "mountaincar-v0":
        lo = np.array([bottom("min_position"), -top("max_speed")],
                      dtype=np.float32)
        hi = np.array([top("max_position"), top("max_speed")],
                      dtype=np.float32)
        return lo, hi
    if env_id == "acrobot-v1":
        hi = np.array([1.0, 1.0, 1.0, 1.0, top("max_vel_1"),
                       top("max_vel_2")], dtype=np.float32)
        return -hi, hi
    return (np.full(od, low, dtype=np.float32),
            np.full(od, high, dtype=np.float32))


class _LazyParams:
    """params[name] without reading every parameter of every env: a fixed
    value (set at make() or the default) as a float, a per-env draw as the
    array of its values."""

    def __init__(self, env, fixed):
        self._env, self._fixed = env, fixed

    def __getitem__(self, name):
        if name in self._env._randomised:
            return self._env.get_param(name)
        if name in self._fixed:
            return float(self._fixed[name])
        return float(self._env._info["params"][name]["default"])


class VectorEnv(_VectorBase):
    """``num_envs`` environments of one kind, stepped together in C.

    Follows the Gymnasium 1.x ``VectorEnv`` interface (and is a
    ``gymnasium.vector.VectorEnv`` when gymnasium is importable):
    ``reset()``, ``step()``, ``num_envs``, ``single_observation_space``,
    ``single_action_space``, ``observation_space``, ``action_space``,
    ``metadata["autoreset_mode"]``, ``np_random``, ``render()``,
    ``call``/``get_attr``/``set_attr``, ``close()`` and the context manager.
    Create it with :func:`myriad.make` or ``gymnasium.make_vec``.
    """

    render_mode = None
    render_envs = 0  # frames render() returns (set with render_mode)
    spec = None
    _np_random = None
    _np_random_seed = None

    def __init__(self, env_id, num_envs, seed=0, threads=0,
                 autoreset="same_step", precision="float32", copy=True,
                 render_mode=None, render_envs=1, model=None, input=None,
                 observe=None, dt=None, input_space=None, **params):
        self._h = None
        self._hist = None
        # calls in flight, so that close() from another thread (or from a
        # rollout's chunk callback) never frees the batch under a call
        self._lock = threading.Lock()
        self._inflight = 0
        self._closing = None  # handle to free when the last call returns
        self._stops = []      # stop flags of the rollouts running now
        if isinstance(num_envs, (bool, np.bool_)) or \
                not isinstance(num_envs, (int, np.integer)):
            raise TypeError("num_envs must be an int")
        autoreset = _autoreset_name(autoreset)
        if precision not in L.PRECISION:
            raise ValueError("precision must be one of %s (got %r)" %
                             (", ".join(L.PRECISION), precision))
        if isinstance(threads, (bool, np.bool_)) or \
                not isinstance(threads, (int, np.integer)):
            raise TypeError("threads must be an int")
        d = L.myr_batch_def_default()
        d.seed = _as_seed(seed)
        d.threads = int(threads) if 0 <= threads <= 1024 else -1
        d.precision = L.PRECISION[precision]
        d.autoreset = L.AUTORESET[autoreset]
        settings, keep = [], []
        for name, value in params.items():
            s, buf = _param_setting(name, value)
            settings.append(s)
            keep.append(buf)
        arr = (L.myr_param_setting * max(1, len(settings)))(*settings)
        d.num_params = len(settings)
        d.params = arr if settings else None
        n = int(num_envs)
        if not -(2 ** 63) <= n < 2 ** 63:
            raise ValueError("num_envs out of range")
        h = ctypes.c_void_p()
        m = _load_model(model, input, observe, dt, input_space)
        d.model = m
        try:
            L.check(L.myr_batch_create(_env_id_bytes(env_id), n,
                                       ctypes.byref(d), ctypes.byref(h)))
        finally:
            L.myr_model_destroy(m)  # the batch keeps its own copy
        self._h = h.value
        try:
            self._setup(n, autoreset, copy, settings)
            self._setup_render(render_mode, render_envs)
        except BaseException:
            self.close()
            raise

    def _setup(self, n, autoreset, copy, settings):
        info = L.myr_batch_env(self._h).contents
        self._info = _info_dict(info)
        self.num_envs = n
        self.autoreset = autoreset
        self.precision = L.myr_precision_name(
            L.myr_batch_precision(self._h)).decode()
        self.copy = bool(copy)
        self.env_id = self._info["id"]
        self._randomised = {s.name.decode() for s in settings
                            if s.dist != L.DIST_FIXED}
        od = info.obs_dim
        a = info.action_space
        self._box = a.kind == L.SPACE_BOX
        self._act_dim = a.n if self._box else 1
        self._act_shape = (n, a.n) if self._box else (n,)
        self._act_dtype = _FLOAT32 if self._box else _INT32
        self._act_n = 0 if self._box else int(a.n)
        # n as unsigned NumPy scalars: max(actions) >= n without converting
        self._act_lim = {4: np.uint32(self._act_n), 8: np.uint64(self._act_n)}
        self._step_fn = L.myr_batch_step_box if self._box else L.myr_batch_step
        self._step_i64 = L.myr_batch_step_i64

        # buffers C writes into, allocated once (zero-filled: pages touched)
        self._obs = np.zeros((n, od), dtype=np.float32)
        self._reward = np.zeros(n, dtype=np.float32)
        self._terminated = np.zeros(n, dtype=np.bool_)  # C writes 0/1 bytes
        self._truncated = np.zeros(n, dtype=np.bool_)
        self._same_step = autoreset == "same_step"
        self._final_obs = np.zeros((n, od), dtype=np.float32) \
            if self._same_step else None
        self._final_mask = np.zeros(n, dtype=np.bool_)
        out = L.myr_step_out()
        out.obs = self._obs.ctypes.data
        out.reward = self._reward.ctypes.data
        out.terminated = self._terminated.ctypes.data
        out.truncated = self._truncated.ctypes.data
        out.final_obs = self._final_obs.ctypes.data \
            if self._final_obs is not None else None
        self._out = out
        self._out_addr = ctypes.addressof(out)
        # last pass-through action array, its address (the array is held,
        # so its data pointer stays valid and cannot be reused) and the step
        # call for its dtype
        self._act_obj = None
        self._act_ptr = None
        self._act_fn = self._step_fn
        # the int32 (float32 for Box) buffer other dtypes are copied into
        self._act_buf = np.zeros(self._act_shape, dtype=self._act_dtype)
        self._act_buf_ptr = self._act_buf.ctypes.data

        # spaces (Gymnasium's per-dimension bounds where it has the env)
        fixed = {s.name.decode(): s.a for s in settings
                 if s.dist == L.DIST_FIXED}
        self._lazy_params = _LazyParams(self, fixed)
        lo, hi = _obs_bounds(self.env_id, od, info.obs_low, info.obs_high,
                             self._lazy_params)
        self.single_observation_space = spaces.box(lo, hi, (od,), np.float32)
        if self._box:
            self.single_action_space = spaces.box(a.low, a.high, (a.n,),
                                                  np.float32)
        else:
            self.single_action_space = spaces.discrete(a.n)
        self._obs_space = None
        self._act_space = None
        mode = autoreset
        if _GymAutoresetMode is not None:
            mode = {"same_step": _GymAutoresetMode.SAME_STEP,
                    "next_step": _GymAutoresetMode.NEXT_STEP,
                    "disabled": _GymAutoresetMode.DISABLED}[autoreset]
        self.metadata = {"autoreset_mode": mode, "render_modes": []}
        L.check(L.myr_batch_observe(self._h, self._obs.ctypes.data))

    def _setup_render(self, render_mode, render_envs):
        r = _render.RENDERERS.get(self.env_id)
        if r is not None:
            self.metadata["render_modes"] = ["rgb_array"]
            self.metadata["render_fps"] = r[2]
        if render_mode is None:
            return
        if render_mode != "rgb_array":
            raise ValueError("render_mode must be None or 'rgb_array' (got %r)"
                             % (render_mode,))
        if r is None:
            raise ValueError("%s has no renderer (render_mode must be None)"
                             % self.env_id)
        k = _as_int("render_envs", render_envs, 1, self.num_envs)
        self.render_mode = render_mode
        self.render_envs = k
        if r[0] is _render.genecircuit:
            self._hist = _render.History(k)
            self._hist.record(self)

    # ------------------------------------------------------------ spaces

    @property
    def observation_space(self):
        if self._obs_space is None:
            self._obs_space = spaces.batch(self.single_observation_space,
                                           self.num_envs)
        return self._obs_space

    @property
    def action_space(self):
        if self._act_space is None:
            self._act_space = spaces.batch(self.single_action_space,
                                           self.num_envs)
        return self._act_space

    # ------------------------------------------------------------ Gymnasium

    @property
    def np_random(self):
        """A NumPy Generator for the caller's own use (Gymnasium's
        ``np_random``), seeded by ``reset(seed=...)``.  The environments do
        not use it: their randomness comes from the batch's own key."""
        if self._np_random is None:
            self._seed_np_random(None)
        return self._np_random

    @np_random.setter
    def np_random(self, value):
        self._np_random = value
        self._np_random_seed = -1

    @property
    def np_random_seed(self):
        """The seed of :attr:`np_random` (-1 when it was set directly)."""
        if self._np_random_seed is None:
            self._seed_np_random(None)
        return self._np_random_seed

    def _seed_np_random(self, seed):
        # as gymnasium.utils.seeding.np_random: PCG64 over a SeedSequence
        ss = np.random.SeedSequence(seed)
        self._np_random = np.random.Generator(np.random.PCG64(ss))
        self._np_random_seed = ss.entropy

    def render(self):
        """With ``render_mode="rgb_array"``: a tuple of ``render_envs``
        frames, ``(H, W, 3)`` uint8 arrays, of envs 0 .. render_envs-1 (as
        ``SyncVectorEnv.render``); drawn from the state with NumPy (see
        :mod:`myriad.render`).  With ``render_mode=None``: None."""
        if self.render_mode is None:
            return None
        fn, fields, _ = _render.RENDERERS[self.env_id]
        k = self.render_envs
        state = {f: self.get_state(f)[:k] for f in fields}
        params = {}
        for name in self._info["params"]:
            v = self._lazy_params[name]
            params[name] = v[:k] if isinstance(v, np.ndarray) else \
                np.full(k, float(v))
        frames = []
        for i in range(k):
            s = {f: float(v[i]) for f, v in state.items()}
            p = {name: float(v[i]) for name, v in params.items()}
            extra = None
            if self._hist is not None:
                extra = self._hist.of(i, int(s["t"]), s["F"])
            frames.append(fn(s, p, extra))
        return tuple(frames)

    def _per_env(self, name):
        """Each env's value of a state field or parameter, else None."""
        if not isinstance(name, str):
            raise TypeError("attribute name must be a string")
        if name in self._info["fields"]:
            return tuple(self.get_state(name).tolist())
        if name in self._info["params"]:
            v = self.get_param(name)
            if self._info["params"][name]["integer"]:
                return tuple(int(x) for x in v)
            return tuple(v.tolist())
        return None

    def get_attr(self, name):
        """One value per env, as ``SyncVectorEnv.get_attr``: a state field
        or parameter gives each env's own value; any other attribute is the
        batch's own, repeated in every entry (there are no sub-env objects).
        """
        v = self._per_env(name)
        if v is not None:
            return v
        return (getattr(self, name),) * self.num_envs

    def call(self, name, *args, **kwargs):
        """``SyncVectorEnv.call``: one result per env.  A method of the
        batch runs once, on the whole batch, and its result fills every
        entry; a state field or parameter gives each env's value; another
        attribute, its value."""
        v = self._per_env(name)
        if v is not None:
            return v
        attr = getattr(self, name)
        if callable(attr):
            attr = attr(*args, **kwargs)
        return (attr,) * self.num_envs

    def set_attr(self, name, values):
        """``SyncVectorEnv.set_attr``: a list/tuple gives one value per env,
        anything else one value for all.  A state field is written per env
        (``set_state``); parameters are fixed when the batch is made
        (``ValueError``); any other attribute belongs to the whole batch, so
        per-env values must all be the same."""
        if isinstance(values, (list, tuple)):
            if len(values) != self.num_envs:
                raise ValueError("set_attr: %d values for %d envs" %
                                 (len(values), self.num_envs))
        if name in self._info["fields"]:
            self.set_state(name, np.asarray(values, dtype=np.float64))
            return
        if name in self._info["params"]:
            raise ValueError("set_attr: parameter %r is fixed when the batch "
                             "is made; pass it to make()" % name)
        if isinstance(values, (list, tuple)):
            first = values[0]
            if not all(_same(v, first) for v in values):
                raise ValueError("set_attr: %r belongs to the whole batch and "
                                 "cannot take per-env values" % name)
            values = first
        setattr(self, name, values)

    # ------------------------------------------------------------ lifetime

    def close(self, **kwargs):
        """Release the C batch; further calls raise RuntimeError.

        Safe from any thread and from a rollout's ``on_chunk``: while calls
        are running the batch is freed when the last one returns, and a
        running rollout stops at its next chunk boundary."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ failed before the lock existed
            return
        with lock:
            h, self._h = self._h, None
            if h is None:
                return
            if self._inflight:
                self._closing = h
                for stop in self._stops:
                    stop.value = 1
                return
        L.myr_batch_destroy(h)

    def _enter(self):
        """The handle, counted as in use until :meth:`_exit`."""
        with self._lock:
            if self._h is None:
                raise RuntimeError("myriad: environment is closed")
            self._inflight += 1
            return self._h

    def _exit(self):
        with self._lock:
            self._inflight -= 1
            if self._inflight or self._closing is None:
                return
            h, self._closing = self._closing, None
        L.myr_batch_destroy(h)

    def _call(self, fn, *args):
        """fn(handle, *args) with the batch held open for the call."""
        h = self._enter()
        try:
            return fn(h, *args)
        finally:
            self._exit()

    def __copy__(self):
        raise TypeError("a myriad.VectorEnv owns its C batch and cannot be "
                        "copied; make another with myriad.make(...)")

    def __deepcopy__(self, memo):
        self.__copy__()

    def __reduce_ex__(self, protocol):
        raise TypeError("a myriad.VectorEnv owns its C batch and cannot be "
                        "pickled; make another with myriad.make(...)")

    @property
    def closed(self):
        return getattr(self, "_h", None) is None

    @closed.setter
    def closed(self, value):
        # gymnasium's VectorWrapper forwards `closed = True` here
        if value:
            self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    @property
    def unwrapped(self):
        return self

    def __repr__(self):
        return "<myriad.VectorEnv %s x %d, %s, %s%s>" % (
            self.env_id, self.num_envs, self.autoreset, self.precision,
            ", closed" if self._h is None else "")

    # ------------------------------------------------------------ metadata

    @property
    def info(self):
        """Metadata of the environment kind (params, fields, spaces)."""
        return self._info

    @property
    def threads(self):
        return self._call(L.myr_batch_threads)

    @threads.setter
    def threads(self, value):
        L.check(self._call(L.myr_batch_set_threads,
                           _as_int("threads", value, 0, 1024)))

    @property
    def clock(self):
        """Steps taken since the last seeded reset."""
        return self._call(L.myr_batch_clock)

    @property
    def seed_value(self):
        return self._call(L.myr_batch_seed)

    @property
    def state_bytes(self):
        return self._call(L.myr_batch_state_bytes)

    @property
    def cap_hits(self):
        return self._call(L.myr_batch_cap_hits)

    @property
    def bad_propensities(self):
        """Env-steps since make() in which a reaction's propensity was
        negative or NaN (reaction networks; it counted as 0)."""
        return self._call(L.myr_batch_bad_propensities)

    def state_hash(self):
        """Order-independent 64-bit hash of the full state."""
        return self._call(L.myr_batch_state_hash)

    # ------------------------------------------------------------ reset, step

    def reset(self, seed=None, options=None):
        """Reset every environment, or those in ``options["reset_mask"]``.

        ``seed`` (an int, or a list of one int per env, see
        :func:`_seed_key`) re-keys the batch and restarts its clock, so the
        same seed gives the same episodes; ``None`` draws fresh initial
        states.  It also seeds :attr:`np_random`.  Returns ``(obs, info)``;
        with a mask, only the masked rows of ``obs`` change (and ``seed``
        must be None: the batch has one key for every env).
        """
        mask = None
        if options:
            unknown = set(options) - {"reset_mask"}
            if unknown:
                raise ValueError("reset: unknown option(s) %s" %
                                 ", ".join(sorted(unknown)))
            mask = options.get("reset_mask")
        key = _seed_key(seed, self.num_envs)
        if mask is not None:
            if key is not None:
                raise ValueError("reset: seed cannot be combined with "
                                 "reset_mask (the batch has one key)")
            m = np.asarray(mask)
            if m.dtype != np.bool_:
                raise TypeError("reset_mask must be a bool array")
            if m.shape != (self.num_envs,):
                raise ValueError("reset_mask must have shape (%d,), got %s" %
                                 (self.num_envs, m.shape))
            m = np.ascontiguousarray(m).view(np.uint8)
            L.check(self._call(L.myr_batch_reset_mask, m.ctypes.data,
                               self._obs.ctypes.data))
        elif key is None:
            L.check(self._call(L.myr_batch_reset, None,
                               self._obs.ctypes.data))
        else:
            s = L.c_uint64(key)
            L.check(self._call(L.myr_batch_reset, ctypes.byref(s),
                               self._obs.ctypes.data))
            self._seed_np_random(key)
        if self._hist is not None:
            self._hist.record(self)
        return (self._obs.copy() if self.copy else self._obs), {}

    def _bad_action(self, a, u, n):
        bad = int(a[u >= n].flat[0])
        return L.MyriadValueError(
            "action %d is outside the action space {0..%d}" % (bad, n - 1),
            L.MYR_EINVAL)

    def _actions_address(self, actions):
        """The step call and the address of an action buffer it can read.

        An int32 C-contiguous array is passed as it is to myr_batch_step, an
        int64 one (``action_space.sample()``) to myr_batch_step_i64, which
        checks and narrows it in C.  Any other integer array (uint8, uint64,
        a strided view, ...) is copied into one int32 buffer allocated with
        the env, whose address is known: a range check and one copy, no
        allocation.  Wide types (32 and 64 bits) are checked before the
        copy, so that a value that would wrap (2**32 + 1) cannot turn into a
        valid action; narrow ones convert exactly and C checks their
        range."""
        a = actions
        if type(a) is not np.ndarray:
            a = np.asarray(a)
        if a.shape != self._act_shape:
            raise ValueError("actions must have shape %s, got %s" %
                             (self._act_shape, a.shape))
        dt = a.dtype
        if self._box:
            if dt.kind not in "fiu":
                raise TypeError("actions must be numbers, not %s" % dt)
            if dt == _FLOAT32 and a.flags.c_contiguous:
                return self._remember(a, actions, self._step_fn)
            self._act_buf[...] = a  # float64 etc.: as np.asarray(a, float32)
            return self._step_fn, self._act_buf_ptr
        if a.flags.c_contiguous:
            if dt == _INT32:
                return self._remember(a, actions, self._step_fn)
            if dt == _INT64:  # C checks the range before anything moves
                return self._remember(a, actions, self._step_i64)
        kind = dt.kind
        if kind not in "iu":
            raise TypeError("actions must be integers, not %s" % dt)
        if dt.itemsize >= 4:
            # one pass: seen as unsigned, a negative value is huge, so
            # max < n holds exactly when every action is in {0..n-1}
            # (and then the cast to int32 is exact)
            u = a.view(_UNSIGNED[dt.itemsize]) if kind == "i" else a
            if _max(u) >= self._act_lim[dt.itemsize]:  # u is 1-D
                raise self._bad_action(a, u, self._act_n)
        self._act_buf[...] = a  # exact: checked above, or a narrow type
        return self._step_fn, self._act_buf_ptr

    def _remember(self, a, actions, fn):
        """fn and the address of a C-contiguous action array it reads."""
        if a is actions:
            # pass-through: remember it, keeping it alive, so that the next
            # step with the same array skips the checks above
            self._act_obj = a
            self._act_ptr = a.ctypes.data
            self._act_fn = fn
            return fn, self._act_ptr
        self._conv = a  # alive until the call returns
        return fn, a.ctypes.data

    def step(self, actions):
        """Advance every environment one step.

        Returns ``(obs, reward, terminated, truncated, info)``: copies the
        caller may keep (``copy=True``, the default), or with ``copy=False``
        the environment's own buffers, the same arrays every call,
        overwritten by the next call.  In same_step mode
        ``info["final_obs"]`` holds the terminal observations of the envs
        whose episode ended in this step, marked by ``info["_final_obs"]``
        (rows outside the mask are stale).
        """
        if actions is self._act_obj and actions is not None:
            fn, ptr = self._act_fn, self._act_ptr
        else:
            fn, ptr = self._actions_address(actions)
        h = self._enter()
        try:
            rc = fn(h, ptr, self._out_addr)
        finally:
            self._exit()
        if rc != 0:
            raise L.error(rc)
        if self._hist is not None:
            self._hist.record(self, actions)
        if self._same_step:
            np.logical_or(self._terminated, self._truncated,
                          out=self._final_mask)
            if self.copy:
                mask = self._final_mask.copy()
                info = {"final_obs": self._final_obs.copy(),
                        "_final_obs": mask,
                        "final_info": {}, "_final_info": mask.copy()}
            else:
                info = {"final_obs": self._final_obs,
                        "_final_obs": self._final_mask,
                        "final_info": {}, "_final_info": self._final_mask}
        else:
            info = {}
        if self.copy:
            return (self._obs.copy(), self._reward.copy(),
                    self._terminated.copy(), self._truncated.copy(), info)
        return self._obs, self._reward, self._terminated, self._truncated, info

    def observe(self):
        """Current observations (e.g. after set_state), in the obs buffer."""
        L.check(self._call(L.myr_batch_observe, self._obs.ctypes.data))
        return self._obs.copy() if self.copy else self._obs

    def random_actions(self, out=None):
        """The actions a fused random rollout would take next."""
        if out is None:
            out = np.empty(self._act_shape, dtype=self._act_dtype)
        elif out.shape != self._act_shape or out.dtype != self._act_dtype or \
                not out.flags.c_contiguous or not out.flags.writeable:
            raise ValueError("out must be a writable C-contiguous %s array of "
                             "shape %s" % (self._act_dtype, self._act_shape))
        L.check(self._call(L.myr_batch_random_actions, out.ctypes.data))
        return out

    # ------------------------------------------------------------ state

    def _field(self, name):
        if not isinstance(name, str):
            raise TypeError("field name must be a string")
        return name.encode()

    def get_state(self, name):
        """One state field of every env: float64 array (int64 for counters)."""
        out = np.empty(self.num_envs, dtype=np.float64)
        L.check(self._call(L.myr_batch_get_state, self._field(name),
                           out.ctypes.data))
        f = self._info["fields"].get(name)
        if f is not None and f["integer"]:
            return out.astype(np.int64)
        return out

    def set_state(self, name, values):
        """Write one state field of every env (a scalar broadcasts).

        Observations in the obs buffer are not refreshed: call
        :meth:`observe` for the observations of the new state.
        """
        v = np.asarray(values, dtype=np.float64)
        if v.ndim == 0:
            v = np.full(self.num_envs, float(v))
        if v.shape != (self.num_envs,):
            raise ValueError("values must have shape (%d,), got %s" %
                             (self.num_envs, v.shape))
        v = np.ascontiguousarray(v)
        L.check(self._call(L.myr_batch_set_state, self._field(name),
                           v.ctypes.data))

    def get_param(self, name):
        """Per-env values of one parameter (float64 array)."""
        out = np.empty(self.num_envs, dtype=np.float64)
        L.check(self._call(L.myr_batch_get_param, self._field(name),
                           out.ctypes.data))
        return out

    def params(self):
        """Parameter name -> value (per-env float64 array if randomised)."""
        out = {}
        for name, p in self._info["params"].items():
            v = self.get_param(name)
            if name in self._randomised:
                out[name] = v
            elif p["integer"]:
                out[name] = int(v[0])
            else:
                out[name] = float(v[0])
        return out

    # ------------------------------------------------------------ rollout

    def rollout(self, steps, policy="random", chunk=None, record=False,
                on_chunk=None):
        """Run ``steps`` steps with a built-in policy inside the library.

        Returns a dict of statistics (steps, episodes, mean_return,
        mean_length, wall_seconds, cap_hits, reactions, length_sum, and the
        exact 128-bit return sum return_sum_fixed (low 64 bits) and
        return_sum_fixed_hi, return_overflows; mean_return is NaN when
        return_overflows > 0).  With ``record=True`` it also holds the
        trajectory as arrays ``obs`` (steps x N x obs_dim), ``action``,
        ``reward``, ``terminated``, ``truncated``, assembled chunk by chunk.
        ``on_chunk(chunk)`` (optional) receives each chunk as a dict of
        NumPy views valid during the call only, with ``step0`` and
        ``steps``; returning True stops the rollout (RuntimeError).
        Ctrl-C stops it at the next chunk boundary (KeyboardInterrupt).
        """
        steps = _as_int("steps", steps, 0, 2 ** 62)
        if not isinstance(policy, str):
            raise TypeError("policy must be a string such as 'random'")
        d = L.myr_rollout_def_default()
        d.steps = steps
        policy_b = policy.encode()
        d.policy = policy_b
        d.chunk_size = 0 if chunk is None else _as_int("chunk", chunk, 0, 1 << 24)
        stop = ctypes.c_int(0)
        d.stop = ctypes.pointer(stop)
        traj = None
        failure = []
        if record and steps > 0:
            n, od, ad = self.num_envs, self._obs.shape[1], self._act_dim
            traj = {
                "obs": np.empty((steps, n, od), dtype=np.float32),
                "action": np.empty((steps, n) if not self._box
                                   else (steps, n, ad), dtype=self._act_dtype),
                "reward": np.empty((steps, n), dtype=np.float32),
                "terminated": np.empty((steps, n), dtype=np.bool_),
                "truncated": np.empty((steps, n), dtype=np.bool_),
            }
        clock0 = self.clock

        def chunk_cb(cp, user):
            try:
                c = cp.contents
                k, n = int(c.steps), int(c.num_envs)
                views = {
                    "step0": int(c.step0), "steps": k,
                    "obs": _view(c.obs, np.float32, (k, n, c.obs_dim)),
                    "action": _view(c.action, self._act_dtype,
                                    (k, n, c.action_dim) if self._box
                                    else (k, n)),
                    "reward": _view(c.reward, np.float32, (k, n)),
                    "terminated": _view(c.terminated, np.bool_, (k, n)),
                    "truncated": _view(c.truncated, np.bool_, (k, n)),
                }
                if hist_action is not None:
                    hist_action[:] = [views["action"][k - 1].copy()]
                if traj is not None:
                    s0 = int(c.step0 - clock0)
                    for key, arr in traj.items():
                        arr[s0:s0 + k] = views[key]
                if on_chunk is not None and on_chunk(views):
                    return 1
                return 0
            except BaseException as e:  # propagate after C returns
                failure.append(e)
                return 1

        # the gene-circuit plot's history (render_mode="rgb_array"): the
        # state after the rollout and the light of its last step
        hist_action = [] if self._hist is not None and steps > 0 else None
        cb = None
        if traj is not None or on_chunk is not None or \
                hist_action is not None:
            cb = L.myr_chunk_fn(chunk_cb)
            d.on_chunk = cb
        st = L.myr_rollout_stats()
        h = self._enter()
        with self._lock:
            self._stops.append(stop)
        try:
            rc, msg = _run_interruptible(
                lambda: L.myr_batch_rollout(h, ctypes.byref(d),
                                            ctypes.byref(st)),
                stop)
        finally:
            with self._lock:
                self._stops.remove(stop)
            self._exit()
        if failure:
            raise failure[0]
        if rc != 0 and self._h is None:
            raise RuntimeError("myriad: environment closed during the rollout "
                               "(stopped after %d env-steps)" % st.steps)
        if rc != 0:
            raise L.error(rc, interrupted_by_signal=bool(stop.value),
                          message=msg)
        if hist_action:
            self._hist.record(self, hist_action[0])
        out = {name: getattr(st, name) for name, _ in st._fields_}
        if traj is not None:
            out.update(traj)
        return out


def _view(addr, dtype, shape):
    """NumPy view of C memory (valid while C keeps it)."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape))
    if count == 0:
        return np.empty(shape, dtype=dtype)
    buf = (ctypes.c_char * (count * dtype.itemsize)).from_address(addr)
    return np.frombuffer(buf, dtype=dtype, count=count).reshape(shape)


def _run_interruptible(call, stop):
    """Run a long C call so that Ctrl-C stops it cleanly.

    Python runs signal handlers only between bytecodes of the main thread,
    never during a foreign call.  So from the main thread the call runs on
    a helper thread while the main thread waits; Ctrl-C there sets the
    library's stop flag, the rollout ends at its next chunk boundary with
    MYR_EINTR, and that becomes KeyboardInterrupt.  Returns the status
    and, on failure, the library's message from the thread that ran it.
    """
    def call_with_message():
        # myr_last_error() is per thread: read it on the calling thread
        rc = call()
        return rc, (L.myr_last_error() if rc != 0 else None)

    if threading.current_thread() is not threading.main_thread():
        return call_with_message()
    result = []
    done = threading.Event()

    def target():
        try:
            result.append(call_with_message())
        finally:
            done.set()

    t = threading.Thread(target=target, name="myriad-rollout", daemon=True)
    t.start()
    # an Event, not join(): an interrupted join() can leave is_alive() wrong
    while True:
        try:
            if done.wait(0.05):
                break
        except KeyboardInterrupt:
            stop.value = 1
    t.join()
    return result[0]


def models_dir():
    """The shipped reaction-network models (models/ of the source tree)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(os.path.dirname(here)), "models")


def _load_model(model, input, observe, dt, input_space=None):
    """A myr_model handle (or None) for make(model=..., input=...)."""
    if model is None:
        if input is not None or observe is not None or dt is not None or \
                input_space is not None:
            raise ValueError("input, input_space, observe and dt need a model "
                             "(model=PATH)")
        return None
    path = os.fspath(model)
    if not os.path.exists(path) and os.sep not in path and \
            not path.endswith(".xml"):
        shipped = os.path.join(models_dir(), path.replace("-", "_") + ".xml")
        if os.path.exists(shipped):
            path = shipped
    o = L.myr_model_opts_default()
    if input is not None:
        o.input = str(input).encode()
    if input_space is not None:
        o.input_space = str(input_space).encode()
    if observe is not None:
        if not isinstance(observe, str):
            observe = ",".join(str(x) for x in observe)
        o.observe = observe.encode()
    if dt is not None:
        dt = float(dt)
        if not dt > 0 or dt != dt:
            raise ValueError("dt must be a positive number (got %r)" % (dt,))
        o.dt = dt
    h = ctypes.c_void_p()
    L.check(L.myr_model_load(path.encode(), ctypes.byref(o), ctypes.byref(h)))
    return h.value


def make(env_id, num_envs, seed=0, threads=0, autoreset="same_step",
         precision="float32", copy=True, render_mode=None, render_envs=1,
         model=None, input=None, observe=None, dt=None, input_space=None,
         **params):
    """Make a :class:`VectorEnv` of ``num_envs`` environments.

    Reaction networks: ``make("sbml", N, model="models/ccasr.xml",
    input="U", observe=["F/80"], dt=5)`` (env "reaction-network", alias
    "sbml"): ``model`` is an SBML file (or the name of a shipped model,
    e.g. "repressilator"), ``input`` the parameter (or boundary species) the action sets,
    ``observe`` the observed species (NAME or NAME/SCALE), ``dt`` the model
    time per step, ``input_space="box"`` a continuous action in [0,
    input_max] (else discrete levels); what is not given comes from the
    model's sidecar (docs/reaction-networks.md).

    ``env_id``: "cartpole-v1" (alias "cartpole"), see :func:`myriad.envs`.
    ``autoreset``: "same_step" (default), "next_step" or "disabled" (or a
    ``gymnasium.vector.AutoresetMode``).
    ``precision``: "float32" (fast) or "float64" (Gymnasium-exact physics).
    ``threads``: worker threads, 0 = every online CPU.
    ``copy``: True (default, as Gymnasium): step/reset return copies the
    caller may keep; False: they return the env's own buffers, the same
    arrays every call, overwritten by the next call (zero copy).
    ``params``: parameter overrides, numbers or strings such as
    "uniform(0.5,1.5)" or "lognormal(0,0.1)" (per-env draws).
    ``render_mode``: None (default) or "rgb_array": ``render()`` then
    returns frames of the first ``render_envs`` envs (default 1), drawn
    with NumPy (docs/python.md, Rendering).
    Errors: ValueError (unknown env or parameter, out-of-range or NaN value,
    bad num_envs), MemoryError (the batch does not fit), TypeError.
    """
    return VectorEnv(env_id, num_envs, seed=seed, threads=threads,
                     autoreset=autoreset, precision=precision, copy=copy,
                     render_mode=render_mode, render_envs=render_envs,
                     model=model, input=input, observe=observe, dt=dt,
                     input_space=input_space, **params)
