"""``render_mode="rgb_array"``: frames drawn with NumPy alone (no pygame).

The classic-control frames follow Gymnasium's ``render()`` of the same env
(gymnasium/envs/classic_control/*.py): the same screen size, geometry and
colours, drawn into a white canvas in Gymnasium's surface coordinates
(y up, flipped at the end as Gymnasium flips its pygame surface).  Shapes
are filled without anti-aliasing: polygons are filled by a half-plane test
on the integer vertices, circles by ``dx^2 + dy^2 <= r^2 + r``, lines are
one pixel wide.  Edges can therefore differ from Gymnasium's by about a
pixel; the interiors are the same.  Not drawn: Pendulum's torque arrow
(an image Gymnasium loads from its assets).

The gene circuit (``ccasr-gfp-control``, ``ccasr-gfp-sysid``) has no
Gymnasium counterpart: its frame is a plot of the recent GFP count F
(green), the target (red; control task only) and the light input (a strip
at the bottom: yellow = on, dark grey = off), over the last
:data:`HISTORY` steps.  :class:`History` keeps that record inside the
vector env.

Each renderer takes ``(state, params, extra)`` for one env: dicts of
Python floats (state fields and parameters) and, for the gene circuit,
its history, and returns an ``(H, W, 3)`` uint8 array.
"""

import math

import numpy as np

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)

# steps shown by the gene-circuit plot
HISTORY = 100


class Canvas:
    """A white RGB image in surface coordinates (x right, y as Gymnasium's
    pygame surface before its vertical flip: y = 0 is the bottom row of the
    final frame)."""

    def __init__(self, width, height):
        self.w, self.h = int(width), int(height)
        self.img = np.full((self.h, self.w, 3), 255, dtype=np.uint8)

    def _box(self, x0, x1, y0, y1):
        """Integer pixel ranges, clipped; None when nothing is visible."""
        x0, y0 = max(int(math.floor(x0)), 0), max(int(math.floor(y0)), 0)
        x1 = min(int(math.ceil(x1)), self.w - 1)
        y1 = min(int(math.ceil(y1)), self.h - 1)
        if x0 > x1 or y0 > y1:
            return None
        return x0, x1, y0, y1

    def polygon(self, points, color):
        """Fill a convex polygon (vertices truncated to ints, as pygame's
        gfxdraw does); the pixels on its edges are inside."""
        p = np.trunc(np.asarray(points, dtype=np.float64))
        if not np.isfinite(p).all():
            return
        box = self._box(p[:, 0].min(), p[:, 0].max(),
                        p[:, 1].min(), p[:, 1].max())
        if box is None:
            return
        x0, x1, y0, y1 = box
        xs = np.arange(x0, x1 + 1, dtype=np.float64)[None, :]
        ys = np.arange(y0, y1 + 1, dtype=np.float64)[:, None]
        q = np.roll(p, -1, axis=0)
        area = np.sum(p[:, 0] * q[:, 1] - q[:, 0] * p[:, 1])
        sign = 1.0 if area >= 0 else -1.0
        inside = np.ones((y1 - y0 + 1, x1 - x0 + 1), dtype=bool)
        for (ax, ay), (bx, by) in zip(p, q):
            cross = (bx - ax) * (ys - ay) - (by - ay) * (xs - ax)
            inside &= sign * cross >= -1e-9
        self.img[y0:y1 + 1, x0:x1 + 1][inside] = color

    def circle(self, cx, cy, r, color):
        """Fill a circle of integer centre and radius (gfxdraw's ints)."""
        cx, cy, r = int(cx), int(cy), int(r)
        box = self._box(cx - r, cx + r, cy - r, cy + r)
        if box is None:
            return
        x0, x1, y0, y1 = box
        dx = np.arange(x0, x1 + 1)[None, :] - cx
        dy = np.arange(y0, y1 + 1)[:, None] - cy
        inside = dx * dx + dy * dy <= r * r + r
        self.img[y0:y1 + 1, x0:x1 + 1][inside] = color

    def line(self, x0, y0, x1, y1, color, width=1):
        """A line of ``width`` pixels from (x0, y0) to (x1, y1)."""
        self.polyline([(x0, y0), (x1, y1)], color, width)

    def polyline(self, points, color, width=1):
        """Segments through ``points``, ``width`` pixels thick (offset
        across the segment's main direction), drawn in one assignment."""
        xs_all, ys_all = [], []
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
            if not all(np.isfinite([x0, y0, x1, y1])):
                continue
            n = int(max(abs(x1 - x0), abs(y1 - y0))) + 2
            t = np.linspace(0.0, 1.0, n)
            xs = np.rint(x0 + (x1 - x0) * t).astype(np.int64)
            ys = np.rint(y0 + (y1 - y0) * t).astype(np.int64)
            flat = abs(x1 - x0) >= abs(y1 - y0)
            for k in range(int(width)):
                off = k - (int(width) - 1) // 2
                xs_all.append(xs if flat else xs + off)
                ys_all.append(ys + off if flat else ys)
        if xs_all:
            self._pixels(np.concatenate(xs_all), np.concatenate(ys_all), color)

    def rect(self, x0, y0, x1, y1, color):
        """Fill the pixels x0..x1, y0..y1 (inclusive)."""
        box = self._box(min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))
        if box is not None:
            a, b, c, d = box
            self.img[c:d + 1, a:b + 1] = color

    def _pixels(self, xs, ys, color):
        ok = (xs >= 0) & (xs < self.w) & (ys >= 0) & (ys < self.h)
        self.img[ys[ok], xs[ok]] = color

    def frame(self):
        """The image as Gymnasium returns it (rows top to bottom)."""
        return np.ascontiguousarray(self.img[::-1])


def _rotate(points, a):
    """pygame.math.Vector2.rotate_rad of each point."""
    c, s = math.cos(a), math.sin(a)
    return [(x * c - y * s, x * s + y * c) for x, y in points]


def _shift(points, dx, dy):
    return [(x + dx, y + dy) for x, y in points]


# ------------------------------------------------------------ classic control

def cartpole(s, p, extra=None):
    """gymnasium/envs/classic_control/cartpole.py CartPoleEnv.render."""
    W, H = 600, 400
    c = Canvas(W, H)
    scale = W / (p["x_threshold"] * 2)
    polewidth, polelen = 10.0, scale * (2 * p["length"])
    cartwidth, cartheight = 50.0, 30.0
    l, r, t, b = -cartwidth / 2, cartwidth / 2, cartheight / 2, -cartheight / 2
    axleoffset = cartheight / 4.0
    cartx = s["x"] * scale + W / 2.0
    carty = 100
    c.polygon(_shift([(l, b), (l, t), (r, t), (r, b)], cartx, carty), BLACK)
    l, r = -polewidth / 2, polewidth / 2
    t, b = polelen - polewidth / 2, -polewidth / 2
    pole = _shift(_rotate([(l, b), (l, t), (r, t), (r, b)], -s["theta"]),
                  cartx, carty + axleoffset)
    c.polygon(pole, (202, 152, 101))
    if math.isfinite(cartx):
        c.circle(cartx, carty + axleoffset, polewidth / 2, (129, 132, 203))
    c.rect(0, carty, W, carty, BLACK)
    return c.frame()


def pendulum(s, p, extra=None):
    """gymnasium/envs/classic_control/pendulum.py PendulumEnv.render
    (without the torque arrow)."""
    D = 500
    c = Canvas(D, D)
    scale = D / (2.2 * 2)
    offset = D // 2
    rod_length, rod_width = 1 * scale, 0.2 * scale
    a = s["theta"] + math.pi / 2
    l, r, t, b = 0, rod_length, rod_width / 2, -rod_width / 2
    red = (204, 77, 77)
    c.polygon(_shift(_rotate([(l, b), (l, t), (r, t), (r, b)], a),
                     offset, offset), red)
    c.circle(offset, offset, int(rod_width / 2), red)
    if math.isfinite(a):
        ex, ey = _rotate([(rod_length, 0)], a)[0]
        c.circle(int(ex + offset), int(ey + offset), int(rod_width / 2), red)
    c.circle(offset, offset, int(0.05 * scale), BLACK)
    return c.frame()


def _mc_height(x):
    return np.sin(3 * x) * 0.45 + 0.55


def mountaincar(s, p, extra=None):
    """gymnasium/envs/classic_control/mountain_car.py MountainCarEnv.render."""
    W, H = 600, 400
    c = Canvas(W, H)
    lo, hi = p["min_position"], p["max_position"]
    scale = W / (hi - lo)
    carwidth, carheight = 40, 20
    xs = np.linspace(lo, hi, 100)
    ys = _mc_height(xs)
    c.polyline(list(zip((xs - lo) * scale, ys * scale)), BLACK)
    pos = s["position"]
    clearance = 10
    l, r, t, b = -carwidth / 2, carwidth / 2, carheight, 0
    a = math.cos(3 * pos)
    base_x = (pos - lo) * scale
    base_y = clearance + _mc_height(pos) * scale
    c.polygon(_shift(_rotate([(l, b), (l, t), (r, t), (r, b)], a),
                     base_x, base_y), BLACK)
    if math.isfinite(base_x):
        for wx, wy in _rotate([(carwidth / 4, 0), (-carwidth / 4, 0)], a):
            c.circle(int(wx + base_x), int(wy + base_y), int(carheight / 2.5),
                     (128, 128, 128))
    goal = p["goal_position"]
    flagx = int((goal - lo) * scale)
    flagy1 = int(_mc_height(goal) * scale)
    flagy2 = flagy1 + 50
    c.rect(flagx, flagy1, flagx, flagy2, BLACK)
    c.polygon([(flagx, flagy2), (flagx, flagy2 - 10), (flagx + 25, flagy2 - 5)],
              (204, 204, 0))
    return c.frame()


def acrobot(s, p, extra=None):
    """gymnasium/envs/classic_control/acrobot.py AcrobotEnv.render."""
    D = 500
    c = Canvas(D, D)
    l1, l2 = p["link_length_1"], p["link_length_2"]
    scale = D / ((l1 + l2 + 0.2) * 2)
    offset = D / 2
    t1, t2 = s["theta1"], s["theta2"]
    p1 = (-l1 * math.cos(t1) * scale, l1 * math.sin(t1) * scale)
    # Gymnasium swaps the coordinates: xys = [[0, 0], p1][:, ::-1]
    xys = [(0.0, 0.0), (p1[1], p1[0])]
    thetas = [t1 - math.pi / 2, t1 + t2 - math.pi / 2]
    lens = [l1 * scale, l2 * scale]
    y = int(1 * scale + offset)
    c.rect(int(-2.2 * scale + offset), y, int(2.2 * scale + offset), y, BLACK)
    for (x, y), th, llen in zip(xys, thetas, lens):
        x, y = x + offset, y + offset
        l, r, t, b = 0, llen, 0.1 * scale, -0.1 * scale
        c.polygon(_shift(_rotate([(l, b), (l, t), (r, t), (r, b)], th), x, y),
                  (0, 204, 204))
        if math.isfinite(x) and math.isfinite(y):
            c.circle(int(x), int(y), int(0.1 * scale), (204, 204, 0))
    return c.frame()


# ------------------------------------------------------------ gene circuit

def ccasr_target(p, k):
    """The control task's target F at step(s) k (physics.h
    myr_ccasr_target)."""
    k = np.asarray(k, dtype=np.float64)
    if int(p.get("target_mode", 0)) == 0:
        return np.full(k.shape, p["target"])
    tmin = np.fmod(k * p["dt"], p["sine_period"])
    return p["sine_mean"] + p["sine_amp"] * np.sin(2 * np.pi * tmin /
                                                   p["sine_period"])


def genecircuit(s, p, extra):
    """A plot of the last HISTORY steps: F (green), target (red, control
    task), light on/off strip at the bottom (yellow/dark grey)."""
    W, H = 600, 400
    c = Canvas(W, H)
    ts, fs, lights = (np.asarray(v, dtype=np.float64) for v in extra)
    t_now = int(ts[-1])
    # plot area (surface coordinates, y up): light strip below it
    left, right, bottom, top = 40, W - 20, 60, H - 20
    strip0, strip1 = 20, 45
    t1 = max(t_now, HISTORY)
    t0 = t1 - HISTORY
    has_target = "target_mode" in p
    tgt = ccasr_target(p, np.arange(t0, t1 + 1)) if has_target else None
    fmax = max(80.0, float(np.nanmax(fs)) * 1.2 if fs.size else 0.0)
    if tgt is not None:
        fmax = max(fmax, float(tgt.max()) * 1.2)

    def px(t):
        return left + (np.asarray(t, dtype=np.float64) - t0) * \
            (right - left) / HISTORY

    def py(f):
        return bottom + np.asarray(f, dtype=np.float64) * (top - bottom) / fmax

    # frame and light strip background
    grey = (200, 200, 200)
    c.rect(left, bottom, right, bottom, grey)
    c.rect(left, top, right, top, grey)
    c.rect(left, bottom, left, top, grey)
    c.rect(right, bottom, right, top, grey)
    c.rect(left, strip0, right, strip1, (230, 230, 230))
    # light applied during the step ending at t: the column (t-1, t]
    for tk, lk in zip(ts, lights):
        if tk <= t0 or not np.isfinite(lk):
            continue
        x0, x1 = float(px(tk - 1)), float(px(tk))
        c.rect(int(x0) + 1, strip0, int(x1), strip1,
               (255, 200, 0) if lk >= 0.5 else (60, 60, 60))
    if tgt is not None:
        c.polyline(list(zip(px(np.arange(t0, t1 + 1)), py(tgt))),
                   (220, 40, 40), width=2)
    keep = ts >= t0
    pts = list(zip(px(ts[keep]), py(fs[keep])))
    if len(pts) >= 2:
        c.polyline(pts, (0, 150, 0), width=2)
    if pts:
        x, y = pts[-1]
        c.circle(int(x), int(y), 4, (0, 150, 0))
    return c.frame()


class History:
    """The recent (t, F, light) of the first k envs of a gene-circuit batch,
    for its plot: recorded after each reset and step while rendering is on;
    an env whose step counter t did not grow has started a new episode, and
    its record starts again."""

    def __init__(self, k):
        self.k = k
        self.t = [[] for _ in range(k)]
        self.f = [[] for _ in range(k)]
        self.light = [[] for _ in range(k)]

    def record(self, env, actions=None):
        k = self.k
        t = env.get_state("t")[:k]
        f = env.get_state("F")[:k]
        a = None
        if actions is not None:
            a = np.asarray(actions).reshape(-1)[:k].astype(np.float64)
        for i in range(k):
            ti = int(t[i])
            if self.t[i] and ti <= self.t[i][-1]:
                self.t[i].clear()
                self.f[i].clear()
                self.light[i].clear()
            self.t[i].append(ti)
            self.f[i].append(float(f[i]))
            self.light[i].append(
                float(a[i]) if a is not None and ti > 0 else float("nan"))
            if len(self.t[i]) > HISTORY + 1:
                del self.t[i][0], self.f[i][0], self.light[i][0]

    def of(self, i, t_now, f_now):
        """Env i's record up to now: the current (t, F) comes from the batch
        itself (so set_state shows), the light of the step that reached it
        from the record."""
        ts, fs, ls = self.t[i], self.f[i], self.light[i]
        if ts and ts[-1] > t_now:  # state rewound (set_state)
            return [t_now], [f_now], [float("nan")]
        n = sum(1 for t in ts if t < t_now)
        light = ls[n] if n < len(ts) and ts[n] == t_now else float("nan")
        return ts[:n] + [t_now], fs[:n] + [f_now], ls[:n] + [light]


# myriad env id -> (renderer, state fields, frames per second); the fps
# are Gymnasium's for the envs it has
RENDERERS = {
    "cartpole-v1": (cartpole, ("x", "theta"), 50),
    "pendulum-v1": (pendulum, ("theta",), 30),
    "mountaincar-v0": (mountaincar, ("position",), 30),
    "acrobot-v1": (acrobot, ("theta1", "theta2"), 15),
    "ccasr-gfp-control": (genecircuit, ("t", "F"), 10),
    "ccasr-gfp-sysid": (genecircuit, ("t", "F"), 10),
}
