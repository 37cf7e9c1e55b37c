"""Run every benchmark in bench/ (each prints JSON lines) and collect their figures.

    python bench/run_all.py [--quick]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main() -> None:
    here = Path(__file__).parent
    extra = sys.argv[1:]
    lines = []
    for script in sorted(here.glob("*.py")):
        if script.name == "run_all.py":
            continue
        result = subprocess.run([sys.executable, str(script), *extra], capture_output=True,
                                text=True)
        if result.returncode != 0:
            print(f"{script.name} failed:\n{result.stderr}", file=sys.stderr)
            sys.exit(1)
        for line in result.stdout.splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
                print(line, flush=True)
    print(f"{len(lines)} benchmark figures", file=sys.stderr)


if __name__ == "__main__":
    main()
