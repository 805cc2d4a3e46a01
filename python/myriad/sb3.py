"""Stable-Baselines3: a Myriad batch as an SB3 ``VecEnv``.

::

    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecMonitor
    import myriad.sb3

    venv = VecMonitor(myriad.sb3.make_vec_env("Myriad/CartPole-v1", 8, seed=0))
    model = PPO("MlpPolicy", venv).learn(100_000)

:func:`make_vec_env` returns a :class:`MyriadVecEnv`, a subclass of
``stable_baselines3.common.vec_env.VecEnv`` that steps all its envs in one
C call, with SB3's conventions, those of its ``DummyVecEnv``:

- ``observation_space`` / ``action_space`` are the spaces of one env;
- ``step`` returns ``(obs, rewards, dones, infos)``: ``dones`` is
  ``terminated | truncated``; an env whose episode ended is reset in the
  same step (``obs`` holds its new first observation) and its info holds
  ``"terminal_observation"`` (the last observation of the ended episode);
  every info holds ``"TimeLimit.truncated"`` (``truncated and not
  terminated``), which SB3's algorithms use to bootstrap truncated
  episodes;
- ``seed(s)`` takes effect at the next ``reset()`` (envs ``s, s+1, ...``:
  Myriad keys the batch with ``s``), ``reset_infos`` is one dict per env;
- ``get_attr``/``set_attr``/``env_method`` take ``indices``; a state field
  (``x``, ``theta``, ``F``, ...) or parameter is per env, any other
  attribute or method belongs to the whole batch (one call, its result
  repeated for each index): there are no sub-env objects;
- ``render()`` (``render_mode="rgb_array"``) tiles the frames of the first
  ``render_envs`` envs, as SB3 tiles a ``DummyVecEnv``'s.

SB3 is imported when :func:`make_vec_env` or :class:`MyriadVecEnv` is first
used (``import myriad.sb3`` works without it); without SB3 they raise
``ImportError`` saying what to install.
"""

import numpy as np

from .env import VectorEnv

__all__ = ["make_vec_env", "MyriadVecEnv"]

_CLASS = None
# batches up to this size step on one thread unless threads= says otherwise
_ONE_THREAD_MAX = 4096

_MISSING = ("myriad.sb3 needs stable-baselines3 (2.x) and gymnasium: pip "
            "install 'myriad[sb3]' (or pip install stable-baselines3), "
            "which also installs PyTorch")


def _sb3_vecenv():
    try:
        from stable_baselines3.common.vec_env import VecEnv
    except ImportError as e:
        raise ImportError("%s (%s)" % (_MISSING, e)) from e
    return VecEnv


def _myriad_id(env_id):
    """A myriad id or alias, or a Gymnasium id (``Myriad/CartPole-v1``)."""
    if isinstance(env_id, str) and "/" in env_id:
        from . import GYMNASIUM_IDS
        for mid, gid in GYMNASIUM_IDS.items():
            if gid == env_id:
                return mid
        raise ValueError("unknown environment %r (Myriad's Gymnasium ids: %s)"
                         % (env_id, ", ".join(sorted(GYMNASIUM_IDS.values()))))
    return env_id


def _make_class():
    VecEnv = _sb3_vecenv()

    class MyriadVecEnv(VecEnv):
        """``num_envs`` Myriad envs as one SB3 ``VecEnv`` (see
        :mod:`myriad.sb3`); ``venv`` is the :class:`myriad.VectorEnv`
        underneath (same_step autoreset, returned arrays copied)."""

        def __init__(self, env_id, num_envs, seed=0, threads=None,
                     precision="float32", render_mode=None, render_envs=1,
                     max_episode_steps=None, **params):
            if max_episode_steps is not None:
                if "max_steps" in params:
                    raise ValueError("give max_steps or max_episode_steps, "
                                     "not both")
                params["max_steps"] = max_episode_steps
            if threads is None:
                # SB3 alternates each step with PyTorch work on the same
                # cores: a small batch steps fastest on the calling thread
                # (measured: 1000 CartPole envs on 2 busy cores, 11 us a
                # step with 1 thread, 113 us with 2)
                threads = 1 if num_envs <= _ONE_THREAD_MAX else 0
            # copy=True: SB3 keeps the last observation across a step
            self.venv = VectorEnv(_myriad_id(env_id), num_envs, seed=seed,
                                  threads=threads, autoreset="same_step",
                                  precision=precision, copy=True,
                                  render_mode=render_mode,
                                  render_envs=render_envs, **params)
            try:
                self._actions = None
                super().__init__(self.venv.num_envs,
                                 self.venv.single_observation_space,
                                 self.venv.single_action_space)
            except BaseException:
                self.venv.close()
                raise

        # ------------------------------------------------------ stepping

        def reset(self):
            seeds, options = self._seeds, self._options
            seed = None
            if any(s is not None for s in seeds):
                seed = [int(s) if s is not None else None for s in seeds]
            opts = None
            if any(options):
                if not all(o == options[0] for o in options):
                    raise ValueError("MyriadVecEnv.reset: per-env options "
                                     "must be the same for every env")
                opts = options[0]
            obs, _ = self.venv.reset(seed=seed, options=opts)
            self._reset_seeds()
            self._reset_options()
            self.reset_infos = [{} for _ in range(self.num_envs)]
            return obs

        def step_async(self, actions):
            self._actions = actions

        def step_wait(self):
            actions, self._actions = self._actions, None
            if actions is None:
                raise RuntimeError("step_wait() without step_async()")
            obs, rew, term, trunc, info = self.venv.step(actions)
            dones = term | trunc
            tl = (trunc & ~term).tolist()
            infos = [{"TimeLimit.truncated": t} for t in tl]
            ended = np.flatnonzero(dones)
            if ended.size:
                final = info["final_obs"]
                for i in ended.tolist():
                    infos[i]["terminal_observation"] = final[i]
                    self.reset_infos[i] = {}
            return obs, rew, dones, infos

        def close(self):
            self.venv.close()

        # ------------------------------------------------------ attributes

        def _indices(self, indices):
            if indices is None:
                return list(range(self.num_envs))
            if isinstance(indices, (int, np.integer)):
                indices = [int(indices)]
            out = [int(i) for i in indices]
            for i in out:
                if not -self.num_envs <= i < self.num_envs:
                    raise IndexError("env index %d out of range (%d envs)" %
                                     (i, self.num_envs))
            return out

        def get_attr(self, attr_name, indices=None):
            idx = self._indices(indices)
            if attr_name == "render_mode":  # read by VecEnv.__init__
                return [self.venv.render_mode] * len(idx)
            values = self.venv.get_attr(attr_name)
            return [values[i] for i in idx]

        def set_attr(self, attr_name, value, indices=None):
            idx = self._indices(indices)
            if attr_name in self.venv.info["fields"]:
                values = self.venv.get_state(attr_name).astype(np.float64)
                values[idx] = value
                self.venv.set_state(attr_name, values)
                return
            if sorted(set(i % self.num_envs for i in idx)) != \
                    list(range(self.num_envs)):
                raise ValueError("set_attr: %r belongs to the whole batch; "
                                 "set it for every env (indices=None)" %
                                 attr_name)
            self.venv.set_attr(attr_name, value)

        def env_method(self, method_name, *method_args, indices=None,
                       **method_kwargs):
            idx = self._indices(indices)
            values = self.venv.call(method_name, *method_args,
                                    **method_kwargs)
            return [values[i] for i in idx]

        def env_is_wrapped(self, wrapper_class, indices=None):
            return [False] * len(self._indices(indices))

        def get_images(self):
            if self.venv.render_mode != "rgb_array":
                return [None] * self.num_envs
            return list(self.venv.render())

        def __repr__(self):
            return "<myriad.sb3.MyriadVecEnv %s x %d>" % (self.venv.env_id,
                                                          self.num_envs)

    MyriadVecEnv.__module__ = __name__
    MyriadVecEnv.__qualname__ = "MyriadVecEnv"
    return MyriadVecEnv


def _vec_class():
    global _CLASS
    if _CLASS is None:
        _CLASS = _make_class()
    return _CLASS


def make_vec_env(env_id, num_envs, seed=0, **kwargs):
    """A :class:`MyriadVecEnv` of ``num_envs`` envs: ``env_id`` a Myriad id
    or alias (``"cartpole"``) or a Gymnasium id (``"Myriad/CartPole-v1"``);
    ``seed`` seeds the batch (``seed()`` + ``reset()`` reseeds it);
    keyword arguments: ``threads`` (default: 1 up to 4096 envs, else
    every CPU), ``precision``, ``render_mode``,
    ``render_envs``, ``max_episode_steps`` and the env's parameters
    (``masscart=2.0``, ``"uniform(0.5,1.5)"``, ...), as :func:`myriad.make`.
    Wrap it in SB3's ``VecMonitor`` for episode statistics."""
    return _vec_class()(env_id, num_envs, seed=seed, **kwargs)


def __getattr__(name):
    if name == "MyriadVecEnv":
        return _vec_class()
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
