"""Read in one process while this one writes (issue 16).

An IATI import spends about half its time reading and mapping the XML and half writing rows and
their journal digests. On a machine with two cores the two halves run at once: the reading runs
in a forked child that sends its batches of ledger rows down a pipe (pickled), and this process
writes them as they come. The pipe holds at most `PIPE_BYTES`: a reader ahead of the writer
waits, so memory does not grow with the file.

`run(produce, consume, forked)`: `produce(send)` does the reading and calls `send(message)` for
each message; `consume(message)` handles each one here. Forked, `send` returns the seconds the
message waited for room in the pipe (the reader can tell the writer is behind). Not forked,
`produce` calls `consume` directly (the same messages, no copy; `send` returns None): small
files, and processes with other threads running (a web server's), where fork is unsafe.

The child inherits everything it reads from (the mapper's state, the code lists, the ledger's
pairings read before the fork) and never touches the database: it leaves by `os._exit`, so no
finaliser of the parent's objects (a connection, a temporary folder) runs in it. Whatever it
raises reaches the parent and is raised there; whatever the parent raises stops the child.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import threading
import traceback
from time import perf_counter
from collections.abc import Callable

#: files at least this large are read in a forked process (forking and pickling cost ~20 ms;
#: below this the reading is over before the writer would have had much to do)
FORK_MIN_BYTES = 4_000_000
#: what the pipe may hold (Linux raises a pipe to this on request; the default is 64 KiB)
PIPE_BYTES = 1 << 20
_LENGTH = struct.Struct("<Q")
_END, _ERROR = "__end__", "__error__"


class ReaderFailed(RuntimeError):
    """The reading process failed with an error that could not be sent as itself."""


def can_fork() -> bool:
    """Whether this process may fork a reader: fork exists and no other thread is running (a
    thread holding a lock at the fork would leave it held in the child for good)."""
    return hasattr(os, "fork") and threading.active_count() == 1


#: the last forked reader's resource usage (`os.wait4`: CPU seconds, peak RSS), for the bench
last_reader_usage = None


def run(produce: Callable[[Callable[[object], float | None]], None],
        consume: Callable[[object], None], forked: bool) -> None:
    global last_reader_usage
    if not forked:
        produce(consume)
        return
    read_end, write_end = os.pipe()
    try:
        import fcntl
        fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass  # the default size only makes the two processes take turns more often
    # the child shares this heap page by page until either writes to it; a collection in the
    # child would touch every object (and copy every page), so the objects alive now are
    # left out of collections in both processes until the child is gone (unless the process
    # froze its heap itself, as a web server does: then that stays as it was)
    froze = gc.get_freeze_count() == 0
    if froze:
        gc.freeze()
    pid = os.fork()
    if pid == 0:  # the child: read, send, leave without running the parent's finalisers
        os.close(read_end)
        _child(produce, write_end)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb", buffering=PIPE_BYTES) as pipe:
            _receive(pipe, consume)
    except BaseException:
        _stop(pid)
        raise
    finally:
        if froze:
            gc.unfreeze()
    _, status, last_reader_usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise ReaderFailed(f"the IATI reading process ended with status "
                           f"{os.waitstatus_to_exitcode(status)}")


def _child(produce, write_end: int) -> None:
    code = 1
    try:
        with os.fdopen(write_end, "wb", buffering=PIPE_BYTES) as pipe:
            dumps, pack, write = pickle.dumps, _LENGTH.pack, pipe.write

            def send(message: object) -> float:
                """Send one message; return the seconds spent handing it to the pipe (long
                when the pipe is full: the parent is behind)."""
                data = dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                started = perf_counter()
                write(pack(len(data)))
                write(data)
                return perf_counter() - started

            try:
                produce(send)
                send((_END, None))
                code = 0
            except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
                send((_ERROR, _portable(exc)))
    except BaseException:  # noqa: BLE001 - the pipe is gone: the parent stopped
        pass
    finally:
        os._exit(code)


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else one that says what it was."""
    try:
        return pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception class may refuse pickling
        text = "".join(traceback.format_exception(exc))
        return ReaderFailed(f"the IATI reading process failed:\n{text}")


def _receive(pipe, consume: Callable[[object], None]) -> None:
    loads, unpack, read, size = pickle.loads, _LENGTH.unpack, pipe.read, _LENGTH.size
    while True:
        head = read(size)
        if len(head) < size:
            raise ReaderFailed("the IATI reading process stopped without finishing")
        (length,) = unpack(head)
        message = loads(read(length))
        tag = message[0]
        if tag == _END:
            return
        if tag == _ERROR:
            raise message[1]
        consume(message)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
