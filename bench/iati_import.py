"""IATI import throughput and peak memory on a generated file, beside a plain lxml pass.

    python bench/iati_import.py [--quick] [--mb 1000]

Generates an IATI 2.03 file shaped like AidData's geocoded releases (one or two funders from a
pool of 60, zero to three geocoded locations from a pool of 3,000, one or two DAC sectors, four
transactions per activity) of the given size, then in fresh child processes (so each peak RSS is
its own): (1) the baseline, a plain `lxml.etree.iterparse` pass that reads every transaction's
value and clears elements; (2) `pairaid iati import` into a new SQLite ledger (which reads in a
forked process of its own: its memory is the summed PSS of both, sampled every 100 ms, and
each one's peak RSS; its CPU is the writer's and the reader's). Prints MB/s, memory and CPU of
both and the ratio of throughputs (ours / baseline).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

_ACTIVITY = """<iati-activity default-currency="USD" xml:lang="en">
<iati-identifier>XM-BENCH-{i}</iati-identifier>
<reporting-org ref="XM-BENCH" type="21"><narrative>Bench</narrative></reporting-org>
<title><narrative>Activity {i} rural water and roads programme</narrative></title>
<description><narrative>Generated activity {i} for the IATI import benchmark.</narrative></description>
{funders}<activity-status code="{status}"/>
<activity-date type="2" iso-date="{start}-03-01"/>
<activity-date type="3" iso-date="{end}-12-31"/>
{locations}{sectors}{transactions}</iati-activity>
"""
_TRANSACTION = ('<transaction><transaction-type code="{type}"/><transaction-date iso-date="{year}-06-30"/>'
                '<value currency="USD" value-date="{year}-06-30">{value:.2f}</value></transaction>\n')
_LOCATION = ('<location><location-id code="{code}" vocabulary="G1"/><name><narrative>Place {code}'
             '</narrative></name><point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>'
             '1.25 32.5</pos></point><exactness code="1"/><location-class code="1"/></location>\n')
_SECTORS = ("11110", "12220", "14030", "15110", "21020", "23210", "31120", "31140", "43040")


def generate(path: Path, megabytes: float, seed: int = 1) -> int:
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    written = activities = 0
    part = path.with_name(path.name + ".part")  # a file cut short is never taken for a whole one
    with open(part, "w", encoding="utf-8") as handle:
        head = '<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
        handle.write(head)
        written += len(head)
        while written < target:
            activities += 1
            funders = "".join(f'<participating-org role="1"><narrative>Funder {rng.randrange(60)}'
                              f'</narrative></participating-org>\n'
                              for _ in range(1 if rng.random() < 0.9 else 2))
            locations = "".join(_LOCATION.format(code=200000 + rng.randrange(3000))
                                for _ in range(rng.choice((0, 1, 1, 2, 3))))
            sectors = rng.sample(_SECTORS, rng.choice((1, 1, 2)))
            sector_xml = "".join(f'<sector code="{s}" vocabulary="1" percentage="'
                                 f'{100 / len(sectors):.2f}"/>\n' for s in sectors)
            start = rng.randrange(2000, 2015)
            transactions = "".join(_TRANSACTION.format(type=rng.choice("23"), year=start + k,
                                                       value=rng.lognormvariate(12, 1.5))
                                   for k in range(4))
            text = _ACTIVITY.format(i=activities, funders=funders, status=rng.choice("24"),
                                    start=start, end=start + 4, locations=locations,
                                    sectors=sector_xml, transactions=transactions)
            handle.write(text)
            written += len(text.encode())
        handle.write("</iati-activities>\n")
    part.replace(path)
    return activities


def _baseline(path: str) -> None:
    from lxml import etree

    total = count = 0
    for _event, element in etree.iterparse(path, tag=("transaction", "iati-activity"),
                                           huge_tree=True):
        if element.tag == "transaction":
            total += float(element.findtext("value"))
            count += 1
            continue
        element.clear()  # a finished activity, and the ones before it
        while element.getprevious() is not None:
            del element.getparent()[0]
    print(json.dumps({"transactions": count}))


def _ours(path: str, db: str) -> None:
    import resource

    from pairaid.ingest.iati import beside, import_iati
    from pairaid.ledger import Store

    with Store.open(db) as store:
        report = import_iati(store, [Path(path)], default_country="UG")
    own = resource.getrusage(resource.RUSAGE_SELF)
    reader = beside.last_reader_usage  # None when the file was read in this process
    print(json.dumps({"activities": report.activities, "transactions": report.transactions,
                      "flows": report.flows, "writer_cpu_s": own.ru_utime + own.ru_stime,
                      "reader_cpu_s": reader and reader.ru_utime + reader.ru_stime}))


class _TreeMemory:
    """Samples the memory of a process and its children every 100 ms: the peak of their summed
    PSS (proportional set size: a page shared by the forked reader and the writer counts half
    in each, so the sum is the memory the import really holds) and each one's peak RSS."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_pss, self.peak_rss = pid, 0.0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _tree(pid: int) -> list[int]:
        pids, todo = [], [pid]
        while todo:
            current = todo.pop()
            pids.append(current)
            try:
                with open(f"/proc/{current}/task/{current}/children") as handle:
                    todo += [int(p) for p in handle.read().split()]
            except OSError:
                pass
        return pids

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            total = 0.0
            for pid in self._tree(self.pid):
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as handle:
                        fields = dict(line.split(":", 1) for line in handle if ":" in line
                                      and not line.startswith("0"))
                except OSError:
                    continue
                pss = int(fields.get("Pss", "0 kB").split()[0]) / 1024
                rss = int(fields.get("Rss", "0 kB").split()[0]) / 1024
                total += pss
                self.peak_rss[pid] = max(self.peak_rss.get(pid, 0.0), rss)
            self.peak_pss = max(self.peak_pss, total)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _timed_child(*args: str) -> tuple[float, float, float, dict, _TreeMemory]:
    """Seconds, CPU seconds (user + system, its waited-for children's included), peak RSS (MB,
    the largest of the process and its children) and the JSON it printed, of this script run
    as a child (its own figures, from wait4: RUSAGE_CHILDREN would give the largest peak of
    every child so far), and the sampled memory of its process tree. The CPU time is the figure
    a loaded machine disturbs least."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([sys.executable, __file__, *args], stdout=out, text=True)
        memory = _TreeMemory(child.pid)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        memory.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"the child {args[:2]} failed ({child.returncode})")
        out.seek(0)
        printed = out.read()
    return (seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            json.loads(printed.strip().splitlines()[-1]), memory)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a 20 MB file")
    parser.add_argument("--mb", type=float, default=1000.0, help="file size in MB (default 1000)")
    parser.add_argument("--file", type=Path, help="keep the generated file here and reuse it when "
                        "it exists (a 1 GB file takes minutes to write)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        (_baseline if args.child[0] == "baseline" else _ours)(*args.child[1:])
        return
    megabytes = 20.0 if args.quick else args.mb
    with tempfile.TemporaryDirectory(prefix="pairaid-bench-iati-") as folder:
        path = args.file or Path(folder) / "bench.xml"
        if args.file is None or not path.exists():
            generate(path, megabytes)
        size = path.stat().st_size / 1e6
        load_before = os.getloadavg()[0]
        base_s, base_cpu, base_rss, base, _ = _timed_child("--child", "baseline", str(path))
        ours_s, ours_cpu, ours_rss, ours, memory = _timed_child(
            "--child", "ours", str(path), str(Path(folder) / "l.db"))
        load_after = os.getloadavg()[0]
    assert ours["transactions"] == base["transactions"]
    print(f"{size:,.0f} MB, {ours['activities']:,} activities, {base['transactions']:,} transactions "
          f"-> {ours['flows']:,} flows; lxml pass {base_s:.1f} s ({size / base_s:.1f} MB/s, "
          f"{base_rss:.0f} MB RSS); pairaid import {ours_s:.1f} s ({size / ours_s:.1f} MB/s, "
          f"peak memory {memory.peak_pss:.0f} MB: summed PSS of its processes, peak RSS of each "
          f"{', '.join(f'{v:.0f}' for v in memory.peak_rss.values())} MB); CPU {base_cpu:.1f} s "
          f"and {ours_cpu:.1f} s (writer {ours['writer_cpu_s']:.1f} s, reader "
          f"{ours['reader_cpu_s'] or 0:.1f} s; "
          f"{size / base_cpu:.1f} and {size / ours_cpu:.1f} MB per CPU second, ratio "
          f"{base_cpu / ours_cpu:.3f}); load average {load_before:.1f} before, "
          f"{load_after:.1f} after, on {os.cpu_count()} cores", file=sys.stderr)
    print(json.dumps({"bench": "iati_import", "figure": round(size / ours_s, 2), "unit": "MB/s",
                      "baseline": "lxml iterparse pass over the same file",
                      "ratio": round(base_s / ours_s, 3), "peak_memory_mb": round(memory.peak_pss),
                      "peak_rss_mb": round(ours_rss),
                      "peak_rss_each_mb": [round(v) for v in memory.peak_rss.values()],
                      "writer_cpu_s": round(ours["writer_cpu_s"], 1),
                      "reader_cpu_s": ours["reader_cpu_s"] and round(ours["reader_cpu_s"], 1),
                      "cpu_s": round(ours_cpu, 1), "baseline_cpu_s": round(base_cpu, 1),
                      "mb_per_cpu_s": round(size / ours_cpu, 2),
                      "cpu_ratio": round(base_cpu / ours_cpu, 3),
                      "baseline_rss_mb": round(base_rss), "size_mb": round(size),
                      "load_average": [round(load_before, 1), round(load_after, 1)],
                      "target": ">= 20 MB/s, <= 300 MB RSS"}))


if __name__ == "__main__":
    main()
