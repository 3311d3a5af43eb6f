"""Run every `benchmarks/bench_*.py` module and print one table of figures against targets.

A module exposes `run(quick: bool) -> list[dict]`; each row has `name`, `value` (float),
`unit`, and optionally `target` (float, same unit), `better` ("lower" default or "higher") and
`note`. `--quick` asks modules for smaller sizes (used by a smoke test); `--only NAME` runs one.
Exit status 1 when any row misses its target, so a regression is visible in scripts.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path


def _modules(only: str | None) -> list[str]:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    return [n for n in names if only is None or n == f"bench_{only}" or n == only]


def _row_ok(row: dict) -> bool | None:
    target = row.get("target")
    if target is None:
        return None
    if row.get("better", "lower") == "higher":
        return bool(row["value"] >= target)
    return bool(row["value"] <= target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--only", help="run one module (e.g. vault or bench_vault)")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    broken: list[str] = []
    for name in _modules(args.only):
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            for row in module.run(args.quick):
                row.setdefault("group", name.removeprefix("bench_"))
                rows.append(row)
        except Exception as error:  # one broken module must not lose every other figure
            print(f"  {name} failed: {type(error).__name__}: {str(error)[:200]}", file=sys.stderr)
            broken.append(name)
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    width = max((len(r["name"]) for r in rows), default=10)
    print(f"\n{'benchmark':<{width}}  {'value':>12}  {'target':>12}  result")
    failed = 0
    for row in rows:
        ok = _row_ok(row)
        target = row.get("target")
        sign = "≥" if row.get("better") == "higher" else "≤"
        tgt = f"{sign}{target:g} {row['unit']}" if target is not None else ""
        mark = {True: "ok", False: "MISSED", None: ""}[ok]
        failed += ok is False
        note = f"  ({row['note']})" if row.get("note") else ""
        value = f"{row['value']:>9.3f} {row['unit']:<2}"
        print(f"{row['name']:<{width}}  {value}  {tgt:>12}  {mark}{note}")
    print(f"\n{len(rows)} figures, {failed} missed their target.")
    if broken:
        print(f"Failed to run: {', '.join(broken)}.")
    return 1 if failed or broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
