#!/usr/bin/env python3
"""Write the hostile shapes of issue 15 at one size, for bench/hostile.sh.

    bench/hostile_shapes.py SHAPE N OUT.flow

Shapes, each meant to be timed at N and 10 N (linear: 10x the input, at most 12x the time):

    long-line      one line of N stray `}`: every diagnostic needs its column on that line
    requirements   a chain of N stages and N `require` lines that all fail (each asks for a
                   stage before the one that comes before it)
    branches       one decision with N branches (the narrative lists each)
    decisions      N decisions of 4 branches each, all leading to one end
    top-edges      N stages in 20 agencies, then every edge as a top-level `a -> b` line
"""
import sys


def long_line(n):
    return "}" * n + "\n"


def requirements(n):
    out = ['title "Requirements"', 'actor a "A"', 'start s0 "Start" by a']
    out += [f'step s{i} "Step {i}" by a' for i in range(1, n)]
    out.append('end done "Done" by a')
    out += [f"s{i} -> s{i + 1}" for i in range(n - 1)]
    out.append(f"s{n - 1} -> done")
    out += [f"require s{i + 1} before s{i}" for i in range(1, n - 1)]
    return "\n".join(out) + "\n"


def branches(n):
    out = ['title "Branches"', 'actor a "A"', 'start s "Start" by a', 'decision d "Which way?" by a {']
    out += [f'  "way {i}" -> e{i}' for i in range(n)]
    out.append("}")
    out += [f'end e{i} "End {i}" by a' for i in range(n)]
    out.append("s -> d")
    return "\n".join(out) + "\n"


def decisions(n):
    out = ['title "Decisions"', 'actor a "A"', 'start s "Start" by a', 'end done "Done" by a', "s -> d0"]
    for i in range(n):
        nxt = f"d{i + 1}" if i + 1 < n else "done"
        out.append(f'decision d{i} "Question {i}?" by a {{')
        out += [f'  "answer {k}" -> {nxt}' for k in range(4)]
        out.append("}")
    return "\n".join(out) + "\n"


def top_edges(n):
    agencies = 20
    out = ['title "Top-level edges"']
    out += [f'actor a{k} "Agency {k}"' for k in range(agencies)]
    out.append('start s0 "Stage 0" by a0')
    out += [f'step s{i} "Stage {i}" by a{i % agencies} within 2d' for i in range(1, n - 1)]
    out.append(f'end s{n - 1} "Stage {n - 1}" by a{(n - 1) % agencies}')
    out += [f"s{i} -> s{i + 1}" for i in range(n - 1)]
    return "\n".join(out) + "\n"


SHAPES = {"long-line": long_line, "requirements": requirements, "branches": branches,
          "decisions": decisions, "top-edges": top_edges}

if __name__ == "__main__":
    shape, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "w") as f:
        f.write(SHAPES[shape](n))
