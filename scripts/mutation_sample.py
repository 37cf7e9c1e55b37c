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

    python scripts/mutation_sample.py generate -n 25  # write out the sample: mutants/sample.txt
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
import shutil
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


def draw(names_by_stratum: dict[str, list[str]], per_stratum: int, seed: int) -> list[str]:
    """`per_stratum` mutants drawn at random without replacement from each stratum (0: all)."""
    chosen = []
    for stratum, names in names_by_stratum.items():
        names = sorted(names)
        # one generator per stratum, seeded by name, so a stratum's draw does not depend on others
        rng = random.Random(f"{seed}:{stratum}")
        chosen += rng.sample(names, min(per_stratum, len(names))) if per_stratum else names
    return chosen


def generate_selected(per_stratum: int, seed: int, patterns: list[str]) -> list[str]:
    """Write mutants/ with only the mutants that will be run rendered; return their names.

    mutmut writes every mutant of a file as a copy of its function (27,715 copies here: about
    16 minutes of this machine under load), although a sampled run tests 200. Here each file is
    parsed and its mutations listed exactly as mutmut 3.8.1 lists them (mutmut's own
    `create_mutations`: same operators, same order, so the same names and numbers), the sample
    is drawn from all of them (or the names matching `patterns` are taken), and only those are
    written as function copies; every mutated function still gets mutmut's trampoline, and the
    meta file lists every mutant, so mutmut's test-coverage record and the population counts
    are those of a full generation. `mutmut run` then finds each file newer than its source and
    keeps it. The cost is mutmut's copying, parsing and listing: 3 minutes under load 12 (under a
    minute of CPU), instead of 16.
    """
    import ast
    import os

    import mutmut
    from mutmut.mutation import file_mutation as fm
    from mutmut.mutation.data import MutantLineSpans, SourceFileMutationData
    from mutmut.mutation.trampoline import set_mutant_under_test
    from mutmut.utils.file_utils import (copy_also_copy_files, copy_src_dir, walk_mutatable_files,
                                         walk_source_files)
    from mutmut.utils.format_utils import get_mutant_name

    # the arrangement below mirrors mutmut 3.8.1's function_trampoline_arrangement
    if mutmut.__version__ != "3.8.1":
        raise SystemExit(f"mutmut {mutmut.__version__}: generate_selected follows 3.8.1's layout")
    set_mutant_under_test("mutant_generation")
    os.makedirs("mutants", exist_ok=True)
    copy_src_dir()
    copy_also_copy_files()
    mutable = {str(p) for p in walk_mutatable_files()}
    for path in walk_source_files():  # files not mutated are copied over, as mutmut does
        if str(path) not in mutable:
            shutil.copy(path, Path("mutants") / path)

    original = fm.function_trampoline_arrangement
    keep: set[str] = set()  # mangled names (x_f__mutmut_3) of the mutants to write out

    def arrangement(function, mutants, class_name):
        # mutmut's trampoline and the original's copy, then only the kept mutants' copies;
        # every mutant is named in order, as mutmut numbers them
        mutants = list(mutants)
        decl, nodes, _, _ = original(function, [], class_name)
        mangled = fm.mangle_function_name(name=function.name.value, class_name=class_name)
        names = [f"{mangled}__mutmut_{i + 1}" for i in range(len(mutants))]
        nodes = list(nodes)
        for name, mutant in zip(names, mutants, strict=True):
            if name in keep:
                copy = function.with_changes(name=fm.cst.Name(name))
                nodes.append(fm.deep_replace(copy, mutant.original_node, mutant.mutated_node))
        kept = [n for n in names if n in keep]
        code = fm.build_mutants_dict_and_name(mangled_name=mangled + "__mutmut", mutants=kept,
                                              mutants_dict_name=f"mutants_{mangled}__mutmut",
                                              class_name=class_name)
        assign = list(fm.cst.parse_module(code).body)
        assign[0] = assign[0].with_changes(leading_lines=[fm.cst.EmptyLine()])
        return decl, nodes, assign, names

    fm.function_trampoline_arrangement = arrangement
    try:
        parsed = {}
        for path in sorted(mutable):
            code = Path(path).read_text("utf-8")
            module, mutations, classes, functions = fm.create_mutations(path, code)
            listing = fm.combine_mutations_to_source(module, mutations, classes, functions)
            parsed[path] = (code, module, mutations, classes, functions, listing.mutant_names)
        strata_ = strata()
        by_stratum: dict[str, list[str]] = {p: [] for p in strata_}
        for path, item in parsed.items():
            stratum = stratum_of(path, strata_)
            if stratum is not None:
                by_stratum[stratum] += [get_mutant_name(Path(path), n) for n in item[-1]]
        if patterns:
            chosen = [n for names in by_stratum.values() for n in sorted(names)
                      if any(n == p or fnmatch.fnmatch(n, p) for p in patterns)]
        else:
            chosen = draw(by_stratum, per_stratum, seed)
        wanted = set(chosen)
        for path, (code, module, mutations, classes, functions, names) in parsed.items():
            keep.clear()
            keep.update(n for n in names if get_mutant_name(Path(path), n) in wanted)
            mutated = fm.combine_mutations_to_source(module, mutations, classes, functions)
            ast.parse(mutated.code)  # mutmut's own check of the generated syntax
            hashes = fm._compute_mutated_function_hashes(code, module, mutations)
            (Path("mutants") / path).write_text(mutated.code, "utf-8")
            # keep earlier results of functions whose source is unchanged, as mutmut does
            data = SourceFileMutationData(path=path)
            data.load()
            same = {f for f, h in hashes.items() if data.hash_by_function_name.get(f) == h}
            data.exit_code_by_key = {
                key: (data.exit_code_by_key.get(key) if name.partition("__mutmut_")[0] in same
                      else None)
                for name in names for key in [get_mutant_name(Path(path), name)]}
            data.hash_by_function_name = dict(hashes)
            data.save()
            MutantLineSpans(path=path,
                            span_by_function_name=mutated.line_span_by_function_name).save()
        print(f"mutants: {sum(len(v) for v in by_stratum.values()):,} listed in "
              f"{len(parsed)} files, {len(chosen)} written out", file=sys.stderr)
        return chosen
    finally:
        fm.function_trampoline_arrangement = original


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
    return draw({stratum: list(codes) for stratum, codes in exit_codes().items()}, per_stratum,
                seed)


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
    gen = sub.add_parser("generate", help="write mutants/ with the sampled (or named) mutants")
    gen.add_argument("-n", "--per-module", type=int, default=25, help="0: every mutant")
    gen.add_argument("--seed", type=int, default=17)
    gen.add_argument("--mutants", nargs="*", default=[],
                     help="names or patterns to write instead of the sample")
    gen.add_argument("--out", type=Path, default=SAMPLE_FILE, help="the chosen names go here")
    smp = sub.add_parser("sample", help="print a seeded stratified sample of mutant names")
    smp.add_argument("-n", "--per-module", type=int, default=25)
    smp.add_argument("--seed", type=int, default=17)
    rep = sub.add_parser("report", help="kill rate per module with 95 %% intervals")
    rep.add_argument("--names", type=Path, default=SAMPLE_FILE)
    rep.add_argument("--survivors", type=Path, help="write the open survivors' names here")
    args = parser.parse_args(argv)
    if args.command == "generate":
        chosen = generate_selected(args.per_module, args.seed, args.mutants)
        args.out.write_text("".join(n + "\n" for n in chosen))
    elif args.command == "sample":
        print("\n".join(sample(args.per_module, args.seed)))
    else:
        table, open_names = report(read_names(args.names), set(read_names(EQUIVALENT_FILE)))
        print(table)
        if args.survivors:
            args.survivors.write_text("".join(n + "\n" for n in open_names))


if __name__ == "__main__":
    main()
