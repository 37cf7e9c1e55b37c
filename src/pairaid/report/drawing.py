"""Drawing the report's charts in separate processes, while the report's own process goes on.

vl-convert holds the GIL while Vega draws an SVG and resvg rasterises it (measured: threads do
not overlap it), and drawing is the largest part of a report after the analyses (~6 s CPU for
22 charts on the demo). So the report starts drawing processes before its analyses — a fresh
interpreter each (`python -m pairaid.report.drawing`: subprocess, fork + exec, never a fork
of a process in which vl-convert's V8 runs), which imports vl-convert only and warms V8 up
(~0.7 s CPU) while the analyses run — then hands each chart's spec over as soon as it is built
and builds the next spec, the CSVs and the data package while the drawing processes write the
SVG and PNG files. The same functions (`report.raster`) draw in either process, so the files
are byte for byte those drawn in the report's process.

Jobs and replies are pickled (the spec arrives as the very dict the report built), each
prefixed by its length. A feeder thread per process writes the jobs, so the report never waits
on a full pipe; a reader thread collects the replies.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import traceback

#: every message is its pickle's length, then the pickle; a job is (chart id, spec, Vega-Lite
#: version, SVG path, PNG path or None, PNG text chunks), a reply (chart id, None or traceback)
_LENGTH = struct.Struct(">Q")
#: ``PAIRAID_DRAW_PROCESSES=0`` draws in the report's own process (as before issue 10's speed
#: work); the default is one drawing process per spare core, at most two
ENV_PROCESSES = "PAIRAID_DRAW_PROCESSES"


def default_processes() -> int:
    """How many drawing processes a report starts: one per core beyond the report's own (the
    report's process builds specs meanwhile), at least one, at most two (each holds a V8)."""
    setting = os.environ.get(ENV_PROCESSES)
    if setting is not None and setting.strip().isdigit():
        return min(int(setting), 4)
    return min(max((os.cpu_count() or 1) - 1, 1), 2)


class DrawingError(RuntimeError):
    """A drawing process failed or died."""


class _Worker:
    def __init__(self, vl_version: str | None):
        self.proc = subprocess.Popen([sys.executable, "-m", "pairaid.report.drawing",
                                      vl_version or ""],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.jobs: queue.Queue = queue.Queue()
        self.pending = 0
        self.replies: dict[str, object] = {}
        self.feeder = threading.Thread(target=self._feed, daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.feeder.start()
        self.reader.start()

    def _feed(self):
        try:
            while (job := self.jobs.get()) is not None:
                data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
                self.proc.stdin.write(_LENGTH.pack(len(data)) + data)
                self.proc.stdin.flush()
            self.proc.stdin.close()  # end of jobs: the process exits when it has drawn them
        except (BrokenPipeError, OSError):
            pass  # the process died; the reader reports it

    def _read(self):
        while (reply := _receive(self.proc.stdout)) is not None:
            chart_id, error = reply
            self.replies[chart_id] = error


class Drawers:
    """Drawing processes for one report: `submit` each chart, then `finish` (waits for every
    file, raises `DrawingError` with the drawing process's traceback if a chart failed). Use it
    as a context manager: on an error in the report the processes are killed."""

    def __init__(self, processes: int, vl_version: str | None):
        self.vl_version = vl_version
        self.workers = [_Worker(vl_version) for _ in range(processes)]
        self.submitted: list[str] = []

    def submit(self, chart_id: str, spec: dict, svg_path, png_path,
               texts: dict[str, str]) -> None:
        # the process with the fewest charts handed over so far (they take a few tenths of a
        # second each, maps and Chinese text longer)
        worker = min(self.workers, key=lambda w: w.pending)
        worker.pending += 1
        worker.jobs.put((chart_id, spec, self.vl_version, str(svg_path),
                         str(png_path) if png_path else None, texts))
        self.submitted.append(chart_id)

    def finish(self) -> None:
        for worker in self.workers:
            worker.jobs.put(None)
        for worker in self.workers:
            worker.feeder.join()
            worker.reader.join()
            worker.proc.wait()
        replies = {k: v for w in self.workers for k, v in w.replies.items()}
        for chart_id in self.submitted:
            if chart_id not in replies:
                codes = [w.proc.returncode for w in self.workers]
                raise DrawingError(f"a drawing process ended before drawing chart {chart_id} "
                                   f"(exit codes {codes})")
            if replies[chart_id] is not None:
                raise DrawingError(f"drawing chart {chart_id} failed:\n{replies[chart_id]}")

    def close(self) -> None:
        for worker in self.workers:
            if worker.proc.poll() is None:
                worker.proc.kill()
            worker.proc.wait()
            worker.jobs.put(None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _receive(stream):
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _warm_up(version: str | None) -> None:
    """Start V8 and load Vega-Lite, and resvg's fonts, on a one-bar chart (the first chart a
    process draws costs ~0.7 s CPU more than the next ones)."""
    from pairaid.report import raster

    spec = {"data": {"values": [{"a": 1, "b": "图"}]}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "quantitative"},
                         "y": {"field": "b", "type": "nominal"}}}
    raster.svg_to_png(raster.svg_document(spec, version), scale=1)


def main() -> None:
    """The drawing process: read jobs from stdin until it closes; reply (chart id, None) for
    each chart drawn, (chart id, traceback) for one that failed."""
    from pairaid.report import raster

    jobs, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the replies
    try:
        _warm_up(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None)
    except Exception:  # noqa: BLE001 - a chart's own drawing reports the real error
        pass
    while (job := _receive(jobs)) is not None:
        chart_id, spec, version, svg_path, png_path, texts = job
        try:
            raster.write_chart_files(spec, version, svg_path, png_path, texts)
            _send(replies, (chart_id, None))
        except Exception:  # noqa: BLE001 - handed back to the report, which raises it
            _send(replies, (chart_id, traceback.format_exc()))


if __name__ == "__main__":
    main()
