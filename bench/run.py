#!/usr/bin/env python3
"""Measure referflow against Graphviz's own parser on generated charts, in one run.

    bench/run.py [--sizes 1000,10000,100000,1000000] [--runs 3] [--bin target/release/referflow]

For each size it generates a chart and the same graph as DOT (bench/generate.py, cached in
bench/out/), then times, as wall clock with peak memory (the child's max RSS):

    gvpr -c 'N{}' chart.dot                      Graphviz reading the graph
    referflow check -D warnings chart.flow
    referflow render chart.flow --to json|dot|md   (to /dev/null)

and prints the medians, the ratios the targets are stated in (check / gvpr at 100k, check at
1M / check at 100k, render / check at 1M) and peak memory at 1M. Build first:
`cargo build --release`. Compare ratios within one run: the machine's noise moves both sides.
The commands take turns (each round runs every one once), so that a slow spell of the
machine falls on all of them rather than on whichever was running.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def measure(cmd):
    """Wall time in seconds and peak RSS in MB of one run of `cmd` (stdout discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(cmd)} exited {code}: {stderr[:500]}")
    return elapsed, usage.ru_maxrss / 1024


def medians(cmds, runs):
    """Each command's median time and peak memory over `runs` rounds, the commands in turn."""
    results = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            results[name].append(measure(cmd))
    return {name: (statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for name, rs in results.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "referflow"))
    args = parser.parse_args()
    out = os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    rows = {}
    for n in [int(s) for s in args.sizes.split(",")]:
        flow, dot = os.path.join(out, f"chart-{n}.flow"), os.path.join(out, f"chart-{n}.dot")
        if not (os.path.exists(flow) and os.path.exists(dot)):
            subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(n), flow, dot], check=True)
        cmds = {"gvpr": ["gvpr", "-c", "N{}", dot], "check": [args.bin, "check", "-D", "warnings", flow]}
        for to in ["json", "dot", "md"]:
            cmds[to] = [args.bin, "render", flow, "--to", to, "--no-diagram"]
        row = {"bytes": os.path.getsize(flow), **medians(cmds, args.runs)}
        rows[n] = row
        print(
            f"{n:>9} stages {row['bytes'] / 1e6:7.1f} MB | gvpr {row['gvpr'][0]:7.3f} s {row['gvpr'][1]:6.0f} MB"
            f" | check {row['check'][0]:7.3f} s {row['check'][1]:6.0f} MB"
            + "".join(f" | {to} {row[to][0]:7.3f} s {row[to][1]:6.0f} MB" for to in ["json", "dot", "md"]),
            flush=True,
        )
    print()
    if 100_000 in rows:
        r = rows[100_000]
        print(f"check / gvpr at 100k: {r['check'][0] / r['gvpr'][0]:.2f} (target <= 0.25)")
    if 100_000 in rows and 1_000_000 in rows:
        print(f"check at 1M / check at 100k: {rows[1_000_000]['check'][0] / rows[100_000]['check'][0]:.2f} (target <= 11.5)")
    if 1_000_000 in rows:
        r = rows[1_000_000]
        print(f"peak memory of check at 1M: {r['check'][1]:.0f} MB (target <= 400)")
        for to in ["json", "dot", "md"]:
            print(f"render --to {to} / check at 1M: {r[to][0] / r['check'][0]:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
