"""Myriad's environments in Gymnasium's registry (namespace ``Myriad/``).

``import myriad`` calls :func:`register` when gymnasium is importable, so::

    import gymnasium as gym
    import myriad  # registers Myriad/CartPole-v1, ...

    envs = gym.make_vec("Myriad/CartPole-v1", num_envs=4096,
                        vectorization_mode="vector_entry_point")
    env = gym.make("Myriad/CartPole-v1")  # one env (a batch of one)

``gym.make("myriad:Myriad/CartPole-v1")`` imports myriad itself first.

The vector entry point (:func:`make_vector`) returns a
:class:`myriad.VectorEnv`; the single-env entry point returns a
:class:`MyriadEnv`, a ``gymnasium.Env`` over a batch of one env with
autoreset disabled.  Both take the env's parameters as keyword arguments
(``masscart=2.0``, ``max_steps=200``, ...), ``precision`` and ``threads``.
"""

import re

import numpy as np

import gymnasium as gym
from gymnasium.vector import AutoresetMode

from . import _lib as L
from .env import VectorEnv, _as_seed, envs

NAMESPACE = "Myriad"

# myriad id -> Gymnasium name (without the namespace)
_NAMES = {
    "cartpole-v1": "CartPole-v1",
    "pendulum-v1": "Pendulum-v1",
    "mountaincar-v0": "MountainCar-v0",
    "acrobot-v1": "Acrobot-v1",
    "ccasr-gfp-control": "GeneCircuit-v0",
    "ccasr-gfp-sysid": "GeneCircuitSysId-v0",
    "opto-hill-1d": "OptoHill1D-v0",
}

# Gymnasium's reward_threshold of the envs it has
_REWARD_THRESHOLDS = {
    "cartpole-v1": 475.0,
    "mountaincar-v0": -110.0,
    "acrobot-v1": -100.0,
}


def gym_name(env_id):
    """The Gymnasium name of a myriad env id, without the namespace: from
    the table above, else CamelCase of the id's words with its ``-vN``
    suffix (``-v0`` when it has none)."""
    if env_id in _NAMES:
        return _NAMES[env_id]
    m = re.match(r"^(.*?)(?:-v(\d+))?$", env_id)
    words = re.split(r"[^0-9A-Za-z]+", m.group(1))
    return "%s-v%s" % ("".join(w[:1].upper() + w[1:] for w in words if w),
                       m.group(2) or "0")


def gym_ids():
    """myriad env id -> its full Gymnasium id (``Myriad/...``), every env."""
    return {k: "%s/%s" % (NAMESPACE, gym_name(k)) for k in envs()}


def _random_seed():
    # a fresh key from the OS, as Gymnasium seeds an env reset without one
    return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])


def _horizon(params, max_episode_steps):
    """make_vec passes max_episode_steps; the library calls it max_steps."""
    if max_episode_steps is not None:
        if "max_steps" in params:
            raise ValueError("give max_steps or max_episode_steps, not both")
        params["max_steps"] = max_episode_steps
    return params


def make_vector(num_envs=1, env_id="cartpole-v1",
                autoreset_mode=AutoresetMode.NEXT_STEP, seed=None, threads=0,
                precision="float32", copy=True, max_episode_steps=None,
                render_mode=None, render_envs=1, **params):
    """The vector entry point: a :class:`myriad.VectorEnv` of ``num_envs``.

    ``autoreset_mode`` defaults to Gymnasium's default, NEXT_STEP (which
    Gymnasium's observation wrappers require); SAME_STEP and DISABLED work
    too, as an ``AutoresetMode`` or its myriad name.  ``seed=None`` keys the
    batch from the OS (as an unseeded Gymnasium env); ``reset(seed=...)``
    re-keys it.  ``max_episode_steps`` sets the env's ``max_steps``.
    ``render_mode="rgb_array"``: ``render()`` returns a tuple of the first
    ``render_envs`` envs' frames.
    """
    params = _horizon(params, max_episode_steps)
    seed = _random_seed() if seed is None else _as_seed(seed)
    return VectorEnv(env_id, num_envs, seed=seed, threads=threads,
                     autoreset=autoreset_mode, precision=precision, copy=copy,
                     render_mode=render_mode, render_envs=render_envs,
                     **params)


class MyriadEnv(gym.Env):
    """One myriad environment as a ``gymnasium.Env``.

    A batch of one env with autoreset disabled: ``reset()`` and ``step()``
    return fresh arrays (an ``(obs_dim,)`` float32 observation), a Python
    float reward and Python bools.  Stepping past the end of an episode
    keeps integrating, as the vector env in disabled mode does.  The
    underlying batch is :attr:`vector_env` (state fields, parameters).
    ``render_mode="rgb_array"``: ``render()`` returns one frame (an
    ``(H, W, 3)`` uint8 array); an env without a renderer refuses it.
    ``metadata`` is the class's until the env is made, then that env's
    (``render_fps``)."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, env_id="cartpole-v1", render_mode=None, threads=1,
                 precision="float32", **params):
        self.vector_env = VectorEnv(env_id, 1, seed=_random_seed(),
                                    threads=threads, autoreset="disabled",
                                    precision=precision, copy=False,
                                    render_mode=render_mode, **params)
        self.render_mode = render_mode
        self.metadata = {k: v for k, v in self.vector_env.metadata.items()
                         if k.startswith("render")}
        self.env_id = self.vector_env.env_id
        self.observation_space = self.vector_env.single_observation_space
        self.action_space = self.vector_env.single_action_space
        self._box = self.vector_env._box
        self._n = None if self._box else int(self.action_space.n)
        self._actions = np.zeros(self.vector_env._act_shape,
                                 dtype=self.vector_env._act_dtype)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        if options:
            raise ValueError("reset: unknown option(s) %s" %
                             ", ".join(sorted(options)))
        obs, _ = self.vector_env.reset(seed=seed)
        return obs[0].copy(), {}

    def _set_action(self, action):
        if self._box:
            a = np.asarray(action)
            if a.dtype.kind not in "fiu":
                raise TypeError("action must be numbers, not %s" % a.dtype)
            if a.shape != self.action_space.shape:
                raise ValueError("action must have shape %s, got %s" %
                                 (self.action_space.shape, a.shape))
            self._actions[0] = a
            return
        if isinstance(action, np.ndarray) and action.shape == () and \
                action.dtype.kind in "iu":
            action = action[()]
        if isinstance(action, (bool, np.bool_)) or \
                not isinstance(action, (int, np.integer)):
            raise TypeError("action must be an int, not %s" %
                            type(action).__name__)
        v = int(action)
        if not 0 <= v < self._n:
            raise L.MyriadValueError(
                "action %d is outside the action space {0..%d}" %
                (v, self._n - 1), L.MYR_EINVAL)
        self._actions[0] = v

    def step(self, action):
        self._set_action(action)
        obs, rew, term, trunc, _ = self.vector_env.step(self._actions)
        return obs[0].copy(), float(rew[0]), bool(term[0]), bool(trunc[0]), {}

    def render(self):
        """The env's frame with ``render_mode="rgb_array"``, else None."""
        frames = self.vector_env.render()
        return None if frames is None else frames[0]

    def close(self):
        self.vector_env.close()

    def __repr__(self):
        return "<MyriadEnv %s>" % self.env_id


def register():
    """Register every myriad env under ``Myriad/`` (ids already there are
    left alone, so importing twice does not warn)."""
    registry = gym.envs.registry
    for env_id, full in gym_ids().items():
        if full in registry:
            continue
        gym.register(
            id=full,
            entry_point="myriad.gymnasium_envs:MyriadEnv",
            vector_entry_point="myriad.gymnasium_envs:make_vector",
            reward_threshold=_REWARD_THRESHOLDS.get(env_id),
            nondeterministic=False,
            kwargs={"env_id": env_id},
        )
