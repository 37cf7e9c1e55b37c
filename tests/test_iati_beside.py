"""The forked reader of an IATI import (`ingest/iati/beside.py`): messages arrive in order,
what the child raises is raised here (as itself when it can be pickled, else with its
traceback), and an error here stops the child: no process is left behind."""

from __future__ import annotations

import gc
import os
import threading

import pytest

from pairaid.ingest.iati import beside


def _children() -> set[int]:
    found = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as handle:
            found.update(int(pid) for pid in handle.read().split())
    return found


pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not os.path.exists("/proc/self/task"),
                                reason="needs fork and Linux's /proc")


@pytest.mark.parametrize("forked", [False, True])
def test_messages_arrive_in_order_forked_or_not(forked):
    received = []

    def produce(send):
        for i in range(2000):
            send(("row", i, "x" * (i % 700)))  # more than the pipe holds at once

    frozen = gc.get_freeze_count()
    beside.run(produce, received.append, forked)
    assert gc.get_freeze_count() == frozen  # the heap frozen for the fork is unfrozen after
    assert [m[1] for m in received] == list(range(2000))
    assert received[699][2] == "x" * 699


def test_an_exception_the_child_raises_is_raised_here():
    def produce(send):
        send(("row", 1))
        raise KeyError("no such code")

    before = _children()
    with pytest.raises(KeyError, match="no such code"):
        beside.run(produce, lambda _m: None, True)
    assert _children() == before


class _Unpicklable(Exception):
    def __init__(self, handle):
        super().__init__("unpicklable")
        self.handle = handle

    def __reduce__(self):
        raise TypeError("cannot pickle this")


def test_an_exception_that_cannot_be_pickled_arrives_as_its_traceback():
    def produce(send):
        raise _Unpicklable(threading.Lock())

    with pytest.raises(beside.ReaderFailed) as raised:
        beside.run(produce, lambda _m: None, True)
    assert "_Unpicklable: unpicklable" in str(raised.value)
    assert "in produce" in str(raised.value)


def test_an_error_here_stops_the_child_and_leaves_no_process():
    def produce(send):
        while True:  # would never end on its own
            send(("row", "y" * 1000))

    def consume(message):
        consume.count += 1
        if consume.count == 50:
            raise RuntimeError("writer failed")

    consume.count = 0
    before = _children()
    with pytest.raises(RuntimeError, match="writer failed"):
        beside.run(produce, consume, True)
    assert _children() == before


def test_a_child_that_exits_early_is_an_error():
    def produce(send):
        send(("row", 1))
        os._exit(0)  # as if killed: no end message

    with pytest.raises(beside.ReaderFailed, match="stopped without finishing"):
        beside.run(produce, lambda _m: None, True)
