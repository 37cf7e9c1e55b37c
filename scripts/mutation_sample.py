"""Sampled mutation testing with mutmut: generate the mutants, draw a seeded stratified sample,
report the kill rate per module with a 95 % confidence interval.

Running all ~27,700 mutants of the statistics and import modules would take about a day on the
2-core machine, so `make mutation` runs a random sample of them instead (mutation sampling: Wong
& Mathur 1995, "Reducing the cost of mutation testing: an empirical study", JSS 31(3); Gopinath,
Ahmed, Alipour, Jensen & Groce 2015, "How hard does mutation analysis have to be, anyway?", ISSRE,
who show that a constant random sample of about a thousand mutants estimates the full score as
binomial sampling predicts, whatever the program's size). The strata are the patterns of
`[tool.mutmut] only_mutate` in pyproject.toml (one per module or package of the issue); each gets
the same number of mutants, drawn with a fixed seed, so each module's kill rate has an interval
of about the same width. Each proportion's interval is
Wilson's score interval; the figure over all modules weights each stratum by its mutant count.

    python scripts/mutation_sample.py generate        # write mutants/ (cached by file mtime)
    python scripts/mutation_sample.py sample -n 60    # one name per line -> stdout
    python scripts/mutation_sample.py report          # table + survivors' names

Run from the repository root, like mutmut. Mutants judged equivalent are listed, one name per
line with `#` comments, in docs/mutation-equivalent.txt; the report counts them apart.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import random
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

SAMPLE_FILE = Path("mutants/sample.txt")
EQUIVALENT_FILE = Path("docs/mutation-equivalent.txt")
KILLED = {1, 3}
# mutmut's exit codes (mutmut.stats.status_by_exit_code); anything else is 'suspicious'
STATUS = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout",
          24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def strata() -> list[str]:
    """The `only_mutate` patterns of pyproject.toml, one stratum each."""
    config = tomllib.loads(Path("pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return list(config["only_mutate"])


def stratum_of(source_path: str, patterns: list[str]) -> str | None:
    return next((p for p in patterns if fnmatch.fnmatch(source_path, p)), None)


def generate(max_children: int) -> None:
    """Write mutants/ as `mutmut run` does before it tests anything; unchanged files are kept."""
    import os

    from mutmut.__main__ import create_mutants
    from mutmut.mutation.trampoline import set_mutant_under_test
    from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir, setup_source_paths

    set_mutant_under_test("mutant_generation")
    os.makedirs("mutants", exist_ok=True)
    copy_src_dir()
    copy_also_copy_files()
    setup_source_paths()
    stats = create_mutants(max_children)
    print(f"mutants: {stats.mutated} files mutated, {stats.unmodified} unchanged", file=sys.stderr)


def exit_codes() -> dict[str, dict[str, int | None]]:
    """Every generated mutant's last result, keyed by stratum then mutant name."""
    patterns = strata()
    by_stratum: dict[str, dict[str, int | None]] = {p: {} for p in patterns}
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        source = str(meta.relative_to("mutants"))[: -len(".meta")]
        stratum = stratum_of(source, patterns)
        if stratum is not None:
            by_stratum[stratum].update(json.loads(meta.read_text())["exit_code_by_key"])
    if not any(by_stratum.values()):
        raise SystemExit("no mutants found: run `python scripts/mutation_sample.py generate` first")
    return by_stratum


def sample(per_stratum: int, seed: int) -> list[str]:
    """`per_stratum` mutants drawn at random without replacement from each stratum (0: all)."""
    chosen = []
    for stratum, codes in exit_codes().items():
        names = sorted(codes)
        # one generator per stratum, seeded by name, so a stratum's draw does not depend on others
        rng = random.Random(f"{seed}:{stratum}")
        chosen += rng.sample(names, min(per_stratum, len(names))) if per_stratum else names
    return chosen


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's score interval for a binomial proportion (Wilson 1927, JASA 22(158))."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def read_names(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def report(names: Iterable[str], equivalent: set[str]) -> tuple[str, list[str]]:
    """Markdown table of the sampled mutants per stratum; the names not killed nor equivalent."""
    names = list(names)
    exact = set(names)
    patterns = [n for n in names if "*" in n]

    def wanted(mutant: str) -> bool:
        return mutant in exact or any(fnmatch.fnmatch(mutant, p) for p in patterns)

    rows, open_names = [], []
    totals = {"mutants": 0, "n": 0, "killed": 0, "equivalent": 0}
    weighted, weighted_var = 0.0, 0.0
    population = sum(len(c) for c in exit_codes().values())
    header = ("| module | mutants | sampled | killed | equivalent | surviving | not run "
              "| kill rate (killed + equivalent) | 95 % CI |\n"
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for stratum, codes in exit_codes().items():
        sampled = [m for m in codes if wanted(m)]
        killed = sum(codes[m] in KILLED for m in sampled)
        equiv = sum(codes[m] not in KILLED and m in equivalent for m in sampled)
        not_run = sum(codes[m] is None for m in sampled)
        left = [m for m in sampled if codes[m] not in KILLED and m not in equivalent
                and codes[m] is not None]
        open_names += left
        run = len(sampled) - not_run
        good = killed + equiv
        low, high = wilson(good, run)
        rate = good / run if run else float("nan")
        rows.append(f"| `{stratum.removeprefix('src/pairaid/').rstrip('*')}` | {len(codes):,} "
                    f"| {len(sampled)} | {killed} | {equiv} | {len(left)} | {not_run} "
                    f"| {rate:.1%} | {low:.1%}–{high:.1%} |")
        if run:
            share = len(codes) / population
            weighted += share * rate
            # variance of the stratified estimator, finite-population correction included
            fpc = (len(codes) - run) / max(len(codes) - 1, 1)
            weighted_var += share**2 * rate * (1 - rate) / run * fpc
        totals["mutants"] += len(codes)
        totals["n"] += run
        totals["killed"] += killed
        totals["equivalent"] += equiv
    half = 1.959963984540054 * math.sqrt(weighted_var)
    rows.append(f"| **all (weighted by mutants)** | {totals['mutants']:,} | {totals['n']} "
                f"| {totals['killed']} | {totals['equivalent']} | {len(open_names)} | "
                f"| {weighted:.1%} | {max(0, weighted - half):.1%}–{min(1, weighted + half):.1%} |")
    return header + "\n" + "\n".join(rows), open_names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the mutants (mutants/), as mutmut run does")
    gen.add_argument("--max-children", type=int, default=2)
    smp = sub.add_parser("sample", help="print a seeded stratified sample of mutant names")
    smp.add_argument("-n", "--per-module", type=int, default=25)
    smp.add_argument("--seed", type=int, default=17)
    rep = sub.add_parser("report", help="kill rate per module with 95 %% intervals")
    rep.add_argument("--names", type=Path, default=SAMPLE_FILE)
    rep.add_argument("--survivors", type=Path, help="write the open survivors' names here")
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(args.max_children)
    elif args.command == "sample":
        print("\n".join(sample(args.per_module, args.seed)))
    else:
        table, open_names = report(read_names(args.names), set(read_names(EQUIVALENT_FILE)))
        print(table)
        if args.survivors:
            args.survivors.write_text("".join(n + "\n" for n in open_names))


if __name__ == "__main__":
    main()
