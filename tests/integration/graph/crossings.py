#!/usr/bin/env python3
"""Count the edge crossings of a Graphviz layout (`dot -Tplain` on stdin).

Each drawn edge's B-spline is sampled into a polyline; two edges that share
no end node and whose polylines intersect count as one crossing.  Invisible
edges are left out.  Prints the count (and, with -v, the crossing pairs).
"""
import sys


def bezier(pts, steps=8):
    out = [pts[0]]
    for i in range(0, len(pts) - 3, 3):
        p0, p1, p2, p3 = pts[i:i + 4]
        for s in range(1, steps + 1):
            t = s / steps
            u = 1 - t
            out.append((u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                        u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]))
    return out


def cross(a, b, c, d):
    def orient(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 1e-9) - (v < -1e-9)
    return (orient(a, b, c) * orient(a, b, d) < 0) and (orient(c, d, a) * orient(c, d, b) < 0)


def main():
    edges = []
    for line in sys.stdin:
        f = line.split()
        if not f or f[0] != "edge":
            continue
        tail, head, n = f[1], f[2], int(f[3])
        pts = [(float(f[4 + 2 * i]), float(f[5 + 2 * i])) for i in range(n)]
        style = f[4 + 2 * n:]
        if "invis" in style:
            continue
        poly = bezier(pts)
        xs, ys = [q[0] for q in poly], [q[1] for q in poly]
        edges.append((tail.strip('"'), head.strip('"'), poly, (min(xs), min(ys), max(xs), max(ys))))
    count = 0
    for i in range(len(edges)):
        for j in range(i + 1, len(edges)):
            a, b = edges[i], edges[j]
            if {a[0], a[1]} & {b[0], b[1]}:
                continue
            ba, bb = a[3], b[3]
            if ba[2] < bb[0] or bb[2] < ba[0] or ba[3] < bb[1] or bb[3] < ba[1]:
                continue
            hit = False
            for k in range(len(a[2]) - 1):
                for m in range(len(b[2]) - 1):
                    if cross(a[2][k], a[2][k + 1], b[2][m], b[2][m + 1]):
                        hit = True
                        break
                if hit:
                    break
            if hit:
                count += 1
                if "-v" in sys.argv:
                    print("%s->%s x %s->%s" % (a[0], a[1], b[0], b[1]), file=sys.stderr)
    print(count)


main()
