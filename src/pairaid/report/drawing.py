"""Drawing the report's charts in a separate process, while the report's own process goes on.

vl-convert holds the GIL while Vega draws an SVG and resvg rasterises it (measured: threads do
not overlap it), and drawing is the largest part of a report after the analyses (~6 s CPU for
22 charts on the demo). So the report starts a drawing process before its analyses — a fresh
interpreter (`python -m pairaid.report.drawing`: subprocess, fork + exec, never a fork of a
process in which vl-convert's V8 runs) that imports vl-convert only and warms V8 up (~0.7 s
CPU) while the analyses run — then hands each chart's spec over as soon as it is built and
builds the next spec, the CSVs and the data package while the drawing process writes the SVG
and PNG files. The same functions (`report.raster`) draw in either process, so the files are
byte for byte those drawn in the report's process (see `Drawer` on why one process).

Jobs and replies are pickled (the spec arrives as the very dict the report built), each
prefixed by its length. A feeder thread writes the jobs, so the report never waits on a full
pipe; a reader thread collects the replies.
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
#: ``PAIRAID_DRAW_PROCESS=0`` draws in the report's own process (as before the drawing process)
ENV_SWITCH = "PAIRAID_DRAW_PROCESS"


def wanted() -> bool:
    """Whether a report draws in a drawing process: on a machine with two cores or more (on one,
    the process would only add its start-up), unless ``PAIRAID_DRAW_PROCESS=0``."""
    if os.environ.get(ENV_SWITCH, "").strip() == "0" or not sys.executable:
        return False  # asked not to, or an embedded interpreter that cannot start another
    return (os.cpu_count() or 1) >= 2


class DrawingError(RuntimeError):
    """The drawing process failed on a chart, or died."""


class Drawer:
    """The drawing process of one report: `submit` each chart, then `finish` (waits for every
    file; raises `DrawingError` with the drawing process's traceback if a chart failed). Use it
    as a context manager: on an error in the report the process is killed.

    One process, drawing the charts in the order the report's own process would: Vega numbers
    the gradients and clip paths of an SVG from a counter that runs through the whole V8
    runtime (``gradient_0``, ``gradient_1``, …), so one runtime drawing every chart in order
    keeps those ids unique across the page that inlines all the SVGs, and the files identical
    to those drawn in the report's process (two processes gave two charts ``gradient_0``).
    """

    def __init__(self, vl_version: str | None):
        self.vl_version = vl_version
        self.proc = subprocess.Popen([sys.executable, "-m", "pairaid.report.drawing",
                                      vl_version or ""],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.jobs: queue.Queue = queue.Queue()
        self.replies: dict[str, str | None] = {}
        self.submitted: list[str] = []
        self.feeder = threading.Thread(target=self._feed, daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.feeder.start()
        self.reader.start()

    def _feed(self):
        try:
            while (job := self.jobs.get()) is not None:
                _send(self.proc.stdin, job)
            self.proc.stdin.close()  # end of jobs: the process exits when it has drawn them
        except (BrokenPipeError, OSError, ValueError):
            pass  # the process died (or was killed): `finish` reports the charts it left

    def _read(self):
        while (reply := _receive(self.proc.stdout)) is not None:
            chart_id, error = reply
            self.replies[chart_id] = error

    def submit(self, chart_id: str, spec: dict, svg_path, png_path,
               texts: dict[str, str]) -> None:
        self.jobs.put((chart_id, spec, self.vl_version, str(svg_path),
                       str(png_path) if png_path else None, texts))
        self.submitted.append(chart_id)

    def finish(self) -> None:
        self.jobs.put(None)
        self.feeder.join()
        self.reader.join()
        self.proc.wait()
        for chart_id in self.submitted:
            if chart_id not in self.replies:
                raise DrawingError(f"the drawing process ended (exit code "
                                   f"{self.proc.returncode}) before drawing chart {chart_id}")
            if self.replies[chart_id] is not None:
                raise DrawingError(f"drawing chart {chart_id} failed:\n{self.replies[chart_id]}")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.jobs.put(None)

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
