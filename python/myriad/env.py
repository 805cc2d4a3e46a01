"""The vector environment: a batch of libmyriad environments seen from Python.

Buffers: the observation, reward, terminated, truncated (and, in same_step
mode, final-observation) arrays are allocated once, when the environment is
made, and their addresses sit in a prebuilt ``myr_step_out`` structure.
``step()`` passes that structure to ``myr_batch_step``, which writes the
results straight into the NumPy arrays, and returns those same arrays: no
per-step allocation or copy.  A caller who keeps results across steps asks
for ``copy=True``.

Actions: an ``int32`` C-contiguous array of shape ``(num_envs,)`` is passed
to C as it is.  Other integer arrays and lists are converted once per call
(after checking that every value fits in ``int32``, so a cast cannot wrap an
invalid action into a valid one); the range check against the action space
happens in C and fails with ``ValueError`` without changing the batch.
"""

import ctypes
import threading

import numpy as np

from . import _lib as L
from . import spaces

try:  # pragma: no cover - depends on the machine
    from gymnasium.vector import AutoresetMode as _GymAutoresetMode
except Exception:
    _GymAutoresetMode = None

_INT32 = np.dtype(np.int32)
_FLOAT32 = np.dtype(np.float32)
_I32_MIN, _I32_MAX = -(2 ** 31), 2 ** 31 - 1
_U64_MAX = 2 ** 64 - 1


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


class VectorEnv:
    """``num_envs`` environments of one kind, stepped together in C.

    Follows the Gymnasium 1.x ``VectorEnv`` interface: ``reset()``,
    ``step()``, ``num_envs``, ``single_observation_space``,
    ``single_action_space``, ``observation_space``, ``action_space``,
    ``metadata["autoreset_mode"]``, ``close()`` and the context manager.
    Create it with :func:`myriad.make`.
    """

    render_mode = None
    spec = None

    def __init__(self, env_id, num_envs, seed=0, threads=0,
                 autoreset="same_step", precision="float32", copy=False,
                 **params):
        self._h = None
        # calls in flight, so that close() from another thread (or from a
        # rollout's chunk callback) never frees the batch under a call
        self._lock = threading.Lock()
        self._inflight = 0
        self._closing = None  # handle to free when the last call returns
        self._stops = []      # stop flags of the rollouts running now
        if isinstance(num_envs, (bool, np.bool_)) or \
                not isinstance(num_envs, (int, np.integer)):
            raise TypeError("num_envs must be an int")
        if autoreset not in L.AUTORESET:
            raise ValueError("autoreset must be one of %s (got %r)" %
                             (", ".join(L.AUTORESET), autoreset))
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
        L.check(L.myr_batch_create(_env_id_bytes(env_id), n,
                                   ctypes.byref(d), ctypes.byref(h)))
        self._h = h.value
        try:
            self._setup(n, autoreset, copy, settings)
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
        self._step_fn = L.myr_batch_step_box if self._box else L.myr_batch_step

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
        # last pass-through action array and its address (the array is
        # held, so its data pointer stays valid and cannot be reused)
        self._act_obj = None
        self._act_ptr = None

        # spaces
        self.single_observation_space = spaces.box(
            info.obs_low, info.obs_high, (od,), np.float32)
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

    # ------------------------------------------------------------ lifetime

    def close(self):
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
        return self._h is None

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

    def state_hash(self):
        """Order-independent 64-bit hash of the full state."""
        return self._call(L.myr_batch_state_hash)

    # ------------------------------------------------------------ reset, step

    def _out_tuple(self, info):
        if self.copy:
            return (self._obs.copy(), self._reward.copy(),
                    self._terminated.copy(), self._truncated.copy(),
                    {k: v.copy() for k, v in info.items()})
        return self._obs, self._reward, self._terminated, self._truncated, info

    def reset(self, seed=None, options=None):
        """Reset every environment, or those in ``options["reset_mask"]``.

        ``seed`` (an int) re-keys the batch and restarts its clock, so the
        same seed gives the same episodes; ``None`` draws fresh initial
        states.  Returns ``(obs, info)``; with a mask, only the masked rows
        of ``obs`` change.
        """
        mask = None
        if options:
            unknown = set(options) - {"reset_mask"}
            if unknown:
                raise ValueError("reset: unknown option(s) %s" %
                                 ", ".join(sorted(unknown)))
            mask = options.get("reset_mask")
        if mask is not None:
            if seed is not None:
                raise ValueError("reset: seed cannot be combined with "
                                 "reset_mask")
            m = np.asarray(mask)
            if m.dtype != np.bool_:
                raise TypeError("reset_mask must be a bool array")
            if m.shape != (self.num_envs,):
                raise ValueError("reset_mask must have shape (%d,), got %s" %
                                 (self.num_envs, m.shape))
            m = np.ascontiguousarray(m).view(np.uint8)
            L.check(self._call(L.myr_batch_reset_mask, m.ctypes.data,
                               self._obs.ctypes.data))
        else:
            if seed is None:
                L.check(self._call(L.myr_batch_reset, None,
                                   self._obs.ctypes.data))
            else:
                s = L.c_uint64(_as_seed(seed))
                L.check(self._call(L.myr_batch_reset, ctypes.byref(s),
                                   self._obs.ctypes.data))
        return (self._obs.copy() if self.copy else self._obs), {}

    def _actions_address(self, actions):
        """Address of an action buffer C can read (converting if needed)."""
        a = actions
        if type(a) is not np.ndarray:
            a = np.asarray(a)
        if a.shape != self._act_shape:
            raise ValueError("actions must have shape %s, got %s" %
                             (self._act_shape, a.shape))
        if self._box:
            if a.dtype.kind not in "fiu":
                raise TypeError("actions must be numbers, not %s" % a.dtype)
            if a.dtype != _FLOAT32 or not a.flags.c_contiguous:
                a = np.ascontiguousarray(a, dtype=np.float32)
        else:
            if a.dtype.kind not in "iu":
                raise TypeError("actions must be integers, not %s" % a.dtype)
            if a.dtype != _INT32 or not a.flags.c_contiguous:
                if a.dtype.itemsize >= 4 and a.size and \
                        (a.min() < _I32_MIN or a.max() > _I32_MAX):
                    bad = a.max() if a.max() > _I32_MAX else a.min()
                    raise L.MyriadValueError(
                        "action %d is outside the action space {0..%d}" %
                        (bad, self.single_action_space.n - 1), L.MYR_EINVAL)
                a = np.ascontiguousarray(a, dtype=np.int32)
        if a is actions:
            # pass-through: remember it, keeping it alive
            self._act_obj = a
            self._act_ptr = a.ctypes.data
            return self._act_ptr
        self._conv = a  # alive until the call returns
        return a.ctypes.data

    def step(self, actions):
        """Advance every environment one step.

        Returns ``(obs, reward, terminated, truncated, info)``; the arrays
        are the environment's own buffers, overwritten by the next call
        (unless the environment was made with ``copy=True``).  In
        same_step mode ``info["final_obs"]`` holds the terminal
        observations of the envs whose episode ended in this step, marked
        by ``info["_final_obs"]`` (rows outside the mask are stale).
        """
        if actions is self._act_obj and actions is not None:
            ptr = self._act_ptr
        else:
            ptr = self._actions_address(actions)
        h = self._enter()
        try:
            rc = self._step_fn(h, ptr, self._out_addr)
        finally:
            self._exit()
        if rc != 0:
            raise L.error(rc)
        if self._same_step:
            np.logical_or(self._terminated, self._truncated,
                          out=self._final_mask)
            info = {"final_obs": self._final_obs,
                    "_final_obs": self._final_mask,
                    "final_info": {}, "_final_info": self._final_mask}
        else:
            info = {}
        if self.copy:
            return self._out_tuple(info)
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

        cb = None
        if traj is not None or on_chunk is not None:
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


def make(env_id, num_envs, seed=0, threads=0, autoreset="same_step",
         precision="float32", copy=False, **params):
    """Make a :class:`VectorEnv` of ``num_envs`` environments.

    ``env_id``: "cartpole-v1" (alias "cartpole"), see :func:`myriad.envs`.
    ``autoreset``: "same_step" (default), "next_step" or "disabled".
    ``precision``: "float32" (fast) or "float64" (Gymnasium-exact physics).
    ``threads``: worker threads, 0 = every online CPU.
    ``copy``: return copies instead of the reused buffers.
    ``params``: parameter overrides, numbers or strings such as
    "uniform(0.5,1.5)" or "lognormal(0,0.1)" (per-env draws).
    Errors: ValueError (unknown env or parameter, out-of-range or NaN value,
    bad num_envs), MemoryError (the batch does not fit), TypeError.
    """
    return VectorEnv(env_id, num_envs, seed=seed, threads=threads,
                     autoreset=autoreset, precision=precision, copy=copy,
                     **params)
