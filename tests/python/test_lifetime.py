"""A VectorEnv owns its C batch: copies and pickles are refused, close() is
safe from any thread and from a rollout's callback, calls back into a
running batch get a clear error, and integers are range-checked before
ctypes could truncate them."""
import copy
import pickle
import threading
import time

import numpy as np
import pytest

import myriad


def test_copy_and_pickle_are_refused():
    e = myriad.make("cartpole", 8)
    for f in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="cannot be"):
            f(e)
    # the original is intact and still closes once
    e.step(np.zeros(8, np.int32))
    e.close()
    e.close()
    assert e.closed


def test_close_inside_on_chunk_stops_the_rollout():
    e = myriad.make("cartpole", 1000)
    seen = []

    def cb(chunk):
        seen.append(chunk["step0"])
        if len(seen) == 2:
            e.close()

    with pytest.raises(RuntimeError, match="closed during the rollout"):
        e.rollout(100000, chunk=16, on_chunk=cb)
    assert len(seen) == 2 and e.closed
    with pytest.raises(RuntimeError, match="closed"):
        e.step(np.zeros(1000, np.int32))


def test_close_from_another_thread_during_a_rollout():
    e = myriad.make("cartpole", 2000, threads=1)
    errors = []

    def run():
        try:
            e.rollout(10_000_000, chunk=8)
        except RuntimeError as x:
            errors.append(x)

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.3)
    e.close()
    t.join(30)
    assert not t.is_alive(), "the rollout did not stop after close()"
    assert len(errors) == 1 and "closed during the rollout" in str(errors[0])


def test_calls_back_into_a_running_batch_are_refused():
    e = myriad.make("cartpole", 64, threads=2)
    ref = myriad.make("cartpole", 64, threads=2)

    def set_threads(chunk):
        e.threads = 1

    with pytest.raises(myriad.MyriadRuntimeError, match="in use by another call"):
        e.rollout(100, chunk=10, on_chunk=set_threads)
    assert e.threads == 2
    # a refused step inside the callback changes nothing
    caught = []
    e2 = myriad.make("cartpole", 64, threads=2)

    def step_inside(chunk):
        try:
            e2.step(np.zeros(64, np.int32))
        except myriad.MyriadRuntimeError as x:
            caught.append(x)

    a = e2.rollout(100, chunk=10, on_chunk=step_inside)
    b = ref.rollout(100, chunk=10)
    assert len(caught) == 10
    assert (a["episodes"], a["length_sum"]) == (b["episodes"], b["length_sum"])
    assert e2.state_hash() == ref.state_hash()


def test_two_threads_stepping_one_env():
    e = myriad.make("cartpole", 200_000, threads=2)
    act = np.zeros(200_000, np.int32)
    outcome = {"ok": 0, "busy": 0, "other": []}
    lock = threading.Lock()

    def loop():
        for _ in range(200):
            try:
                e.step(act)
                with lock:
                    outcome["ok"] += 1
            except myriad.MyriadRuntimeError as x:
                with lock:
                    outcome["busy"] += 1
                assert "in use by another call" in str(x)
            except Exception as x:  # noqa: BLE001
                outcome["other"].append(x)

    ts = [threading.Thread(target=loop) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert not any(t.is_alive() for t in ts), "deadlock"
    assert not outcome["other"]
    assert outcome["ok"] + outcome["busy"] == 400 and outcome["ok"] > 0
    e.close()


@pytest.mark.parametrize("value", [2 ** 64 + 10, 2 ** 63, -1])
def test_rollout_steps_are_range_checked(value):
    e = myriad.make("cartpole", 4)
    clock = e.clock
    with pytest.raises(ValueError, match="steps"):
        e.rollout(value)
    assert e.clock == clock


@pytest.mark.parametrize("value", [2 ** 32 + 2, -1, 1025])
def test_threads_are_range_checked(value):
    e = myriad.make("cartpole", 4, threads=1)
    with pytest.raises(ValueError, match="threads"):
        e.threads = value
    assert e.threads == 1


def test_chunk_and_actions_are_range_checked():
    e = myriad.make("cartpole", 4)
    with pytest.raises(ValueError, match="chunk"):
        e.rollout(10, chunk=2 ** 64 + 16)
    with pytest.raises(ValueError, match="outside the action space"):
        e.step(np.array([2 ** 32 + 1] * 4, dtype=np.int64))
