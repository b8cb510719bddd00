#!/usr/bin/env python3
"""Figures for docs/layout.md: the diagram of each bundled example as Graphviz lays it out
(`render --to dot | dot -Tplain`) and as referflow lays it out itself (`render --to svg`).

For each: edge crossings (pairs of edge polylines that cross, Graphviz's splines taken through
their control points), the area in square points, the share of that area no box covers, the
text size, and whether every stage lies inside its lane.

Usage: python3 bench/layout_figures.py [path/to/referflow]   (needs Graphviz's `dot`)
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "referflow")
SVG = "{http://www.w3.org/2000/svg}"


def segments(points):
    return list(zip(points, points[1:]))


def cross(s, t):
    """Whether two segments properly cross (touching at an end does not count)."""
    (a, b), (c, d) = s, t

    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return 0 if abs(v) < 1e-6 else (1 if v > 0 else -1)

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def crossings(edges):
    count = 0
    for i in range(len(edges)):
        for j in range(i + 1, len(edges)):
            if any(cross(s, t) for s in segments(edges[i]) for t in segments(edges[j])):
                count += 1
    return count


def graphviz(flow):
    dot = subprocess.run([BINARY, "render", flow, "--to", "dot"], capture_output=True, text=True, check=True).stdout
    plain = subprocess.run(["dot", "-Tplain"], input=dot, capture_output=True, text=True, check=True).stdout
    width = height = 0.0
    boxes, edges = [], []
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "graph":
            width, height = float(parts[2]) * 72, float(parts[3]) * 72
        elif parts[0] == "node":
            boxes.append(float(parts[4]) * 72 * float(parts[5]) * 72)
        elif parts[0] == "edge":
            n = int(parts[3])
            edges.append([(float(parts[4 + 2 * k]) * 72, float(parts[5 + 2 * k]) * 72) for k in range(n)])
    return width * height, sum(boxes), crossings(edges)


def ours(flow):
    svg = subprocess.run([BINARY, "render", flow, "--to", "svg"], capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(svg)
    area = float(root.get("width")) * float(root.get("height"))
    boxes, edges = 0.0, []
    inside = True
    lanes = {}
    for g in root.iter(SVG + "g"):
        cls = g.get("class") or ""
        if "lane" in cls.split():
            r = g.find(SVG + "rect")
            lanes[g.get("id")] = tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))
    for g in root.iter(SVG + "g"):
        cls = (g.get("class") or "").split()
        if "stage" in cls or "marker" in cls:
            shape = g.find(SVG + "rect")
            if shape is not None:
                x, y, w, h = (float(shape.get(k)) for k in ("x", "y", "width", "height"))
            else:
                pts = [tuple(map(float, p.split(","))) for p in g.find(SVG + "polygon").get("points").split()]
                x, y = min(p[0] for p in pts), min(p[1] for p in pts)
                w, h = max(p[0] for p in pts) - x, max(p[1] for p in pts) - y
            boxes += w * h
            if not any(lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh for lx, ly, lw, lh in lanes.values()):
                inside = False
    for line in root.iter(SVG + "polyline"):
        edges.append([tuple(map(float, p.split(","))) for p in line.get("points").split()])
    return area, boxes, crossings(edges), inside


def main():
    print("| chart | layout | crossings | area (pt²) | empty | stages inside their lane |")
    print("|---|---|---|---|---|---|")
    for flow in sorted((ROOT / "examples").glob("*.flow")):
        area, boxes, n = graphviz(str(flow))
        print(f"| {flow.stem} | Graphviz | {n} | {area:,.0f} | {1 - boxes / area:.0%} | no bands |")
        area, boxes, n, inside = ours(str(flow))
        print(f"| {flow.stem} | lanes × phases | {n} | {area:,.0f} | {1 - boxes / area:.0%} | {'all' if inside else 'NOT all'} |")


if __name__ == "__main__":
    main()
