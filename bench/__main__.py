"""`make bench`: run every benchmark in bench/, each printing its own table.

Each script compares against a baseline in the same run and prints ratios, because
machines here are shared and noisy; results are recorded in docs/benchmarks.md.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_"))
    failures = 0
    for script in scripts:
        print(f"\n### {script.stem}\n", flush=True)
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], cwd=HERE.parent, check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
