"""Observation and action spaces.

When gymnasium is importable the environments use ``gymnasium.spaces``
(``Discrete``, ``Box``, and ``gymnasium.vector.utils.batch_space`` for the
batched spaces).  Otherwise these small stand-ins are used; they follow the
same conventions (batched ``Discrete(n)`` is ``MultiDiscrete([n] * N)``,
batched ``Box`` gains a leading ``N`` axis) and offer ``shape``, ``dtype``,
``n``/``nvec``/``low``/``high``, ``seed()``, ``sample()`` and
``contains()``.
"""

import numpy as np

try:  # pragma: no cover - depends on the machine
    import gymnasium as _gym
    from gymnasium.vector.utils import batch_space as _gym_batch_space
except Exception:  # ImportError, or a broken install
    _gym = None
    _gym_batch_space = None

HAVE_GYMNASIUM = _gym is not None


class Space:
    """Common part: shape, dtype and a seedable NumPy generator."""

    def __init__(self, shape, dtype, seed=None):
        self.shape = tuple(int(s) for s in shape)
        self.dtype = np.dtype(dtype)
        self._rng = np.random.default_rng(seed)

    def seed(self, seed=None):
        self._rng = np.random.default_rng(seed)
        return [seed]

    @property
    def np_random(self):
        return self._rng

    def __contains__(self, x):
        return self.contains(x)


class Discrete(Space):
    """Integers ``start .. start + n - 1``."""

    def __init__(self, n, start=0, seed=None):
        if int(n) <= 0:
            raise ValueError("Discrete: n must be positive")
        super().__init__((), np.int64, seed)
        self.n = np.int64(n)
        self.start = np.int64(start)

    def sample(self):
        return np.int64(self.start + self._rng.integers(self.n))

    def contains(self, x):
        if isinstance(x, (int, np.integer)):
            v = int(x)
        elif isinstance(x, np.ndarray) and x.shape == () and \
                np.issubdtype(x.dtype, np.integer):
            v = int(x)
        else:
            return False
        return int(self.start) <= v < int(self.start + self.n)

    def __repr__(self):
        return "Discrete(%d)" % self.n

    def __eq__(self, other):
        return isinstance(other, Discrete) and self.n == other.n and \
            self.start == other.start


class MultiDiscrete(Space):
    """One Discrete(nvec[i]) per entry: the batched Discrete space."""

    def __init__(self, nvec, dtype=np.int64, seed=None):
        self.nvec = np.asarray(nvec, dtype=dtype)
        if np.any(self.nvec <= 0):
            raise ValueError("MultiDiscrete: nvec must be positive")
        super().__init__(self.nvec.shape, dtype, seed)

    def sample(self):
        return self._rng.integers(self.nvec, dtype=self.dtype)

    def contains(self, x):
        if isinstance(x, (list, tuple)):
            x = np.asarray(x)
        if not isinstance(x, np.ndarray) or x.shape != self.shape or \
                not np.issubdtype(x.dtype, np.integer):
            return False
        return bool(np.all((x >= 0) & (x < self.nvec)))

    def __repr__(self):
        return "MultiDiscrete(%s)" % (self.nvec if self.nvec.size <= 8 else
                                      "shape=%s" % (self.shape,))

    def __eq__(self, other):
        return isinstance(other, MultiDiscrete) and \
            np.array_equal(self.nvec, other.nvec)


class Box(Space):
    """The product of intervals ``[low, high]`` (bounds may be infinite)."""

    def __init__(self, low, high, shape=None, dtype=np.float32, seed=None):
        if shape is None:
            shape = np.broadcast(np.asarray(low), np.asarray(high)).shape
        super().__init__(shape, dtype, seed)
        self.low = np.full(self.shape, low, dtype=self.dtype)
        self.high = np.full(self.shape, high, dtype=self.dtype)

    def sample(self):
        # finite bounds: uniform; half-open or unbounded: shifted
        # exponential or normal, as gymnasium.spaces.Box does
        lo, hi = self.low.astype(np.float64), self.high.astype(np.float64)
        out = np.empty(self.shape, dtype=np.float64)
        both = np.isfinite(lo) & np.isfinite(hi)
        only_lo = np.isfinite(lo) & ~np.isfinite(hi)
        only_hi = ~np.isfinite(lo) & np.isfinite(hi)
        none = ~np.isfinite(lo) & ~np.isfinite(hi)
        out[both] = self._rng.uniform(lo[both], hi[both])
        out[only_lo] = lo[only_lo] + self._rng.exponential(size=only_lo.sum())
        out[only_hi] = hi[only_hi] - self._rng.exponential(size=only_hi.sum())
        out[none] = self._rng.normal(size=none.sum())
        return out.astype(self.dtype)

    def contains(self, x):
        if not isinstance(x, np.ndarray):
            try:
                x = np.asarray(x, dtype=self.dtype)
            except (ValueError, TypeError):
                return False
        if x.shape != self.shape or not np.can_cast(x.dtype, self.dtype):
            return False
        return bool(np.all((x >= self.low) & (x <= self.high)))

    def __repr__(self):
        return "Box(%s, %s, %s, %s)" % (
            self.low.min() if self.low.size else "", self.high.max()
            if self.high.size else "", self.shape, self.dtype)

    def __eq__(self, other):
        return isinstance(other, Box) and self.shape == other.shape and \
            np.array_equal(self.low, other.low) and \
            np.array_equal(self.high, other.high)


def discrete(n, seed=None):
    if _gym is not None:
        return _gym.spaces.Discrete(int(n), seed=seed)
    return Discrete(n, seed=seed)


def box(low, high, shape, dtype=np.float32, seed=None):
    if _gym is not None:
        return _gym.spaces.Box(low, high, shape=shape, dtype=dtype, seed=seed)
    return Box(low, high, shape=shape, dtype=dtype, seed=seed)


def batch(space, n):
    """The space of ``n`` stacked samples of ``space``."""
    if _gym is not None:
        return _gym_batch_space(space, n)
    if isinstance(space, Discrete):
        return MultiDiscrete(np.full(n, space.n, dtype=np.int64))
    if isinstance(space, Box):
        shape = (n,) + space.shape
        return Box(np.broadcast_to(space.low, shape),
                   np.broadcast_to(space.high, shape), shape=shape,
                   dtype=space.dtype)
    raise TypeError("cannot batch %r" % (space,))
