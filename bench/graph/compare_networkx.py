#!/usr/bin/env python3
"""Compare the Swift graph measures (Sources/BrainModels/Graph) with networkx on a supply-like network.

Steps: (a) generate a deterministic random directed supply network and write it as a CSV edge list
`from,to,weight`; (b) time networkx PageRank and betweenness on it with time.perf_counter; (c) run the Swift
benchmark binary (bench/graph/GraphBench.swift, built by run.sh) on the same CSV; (d) compare every per-node value
(max absolute difference, must be <= --tolerance) and print timings with the speed ratio.

Betweenness modes:
  exact   (default, --betweenness-sample 0): networkx.betweenness_centrality(G, normalized=True, weight=None),
          all n sources on both sides. At the default size networkx needs about 18 minutes for this on the
          2-core development machine (Swift: 7 s on 1 thread); use the sampled mode for a quick run.
  sampled (--betweenness-sample K): networkx.betweenness_centrality(G, k=K, seed=SEED, normalized=True), and the
          Swift side gets the very K sources networkx draws, random.Random(SEED).sample(list(G), K), in a file,
          so the values must still match exactly (networkx's sampled rescaling is reproduced in Swift).
          k=1000 takes about 45 s in networkx at the default size.
"""
import argparse
import bisect
import csv
import json
import math
import os
import random
import subprocess
import sys
import time

import networkx as nx

COMMUNITIES = 12  # the province's key industry chains


def generate(nodes, edges, seed):
    """Rows (from, to, weight) of a supply network: firms in 12 chains of Zipf-like size, 4 tiers per chain (raw
    material -> parts -> components -> final products), heavy-tailed (Pareto) firm size that drives both how many
    customers a supplier wins and how much a firm buys; ~90% of links stay inside the buyer's chain, ~85% come from
    the tier just upstream, the rest from any tier (recycling, services: this closes cycles). Weights are annual
    contract values in 10k yuan (万元), lognormal, one decimal. About 1 in 10 repeated (supplier, customer) draws is
    kept as a second contract row, which both sides merge by adding weights. Produces exactly `edges` distinct pairs."""
    rng = random.Random(seed)
    chain_weights = [1.0 / (c + 1) ** 0.7 for c in range(COMMUNITIES)]
    chain = rng.choices(range(COMMUNITIES), weights=chain_weights, k=nodes)
    tier = rng.choices(range(4), weights=[1, 2, 3, 3], k=nodes)
    size = [rng.paretovariate(1.3) for _ in range(nodes)]

    def cumulative(members, power):
        acc, out = 0.0, []
        for v in members:
            acc += size[v] ** power
            out.append(acc)
        return members, out

    def pick(bucket):
        members, cum = bucket
        return members[bisect.bisect_left(cum, rng.random() * cum[-1])]

    buyers = cumulative(list(range(nodes)), 0.6)
    by_chain = [cumulative([v for v in range(nodes) if chain[v] == c], 1.0) for c in range(COMMUNITIES)]
    by_chain_tier = [[cumulative([v for v in by_chain[c][0] if tier[v] == t], 1.0) for t in range(4)]
                     for c in range(COMMUNITIES)]
    seen, rows = set(), []
    max_pairs = nodes * (nodes - 1)
    if edges > max_pairs // 4:
        raise SystemExit(f"--edges {edges} is too dense for {nodes} nodes")
    while len(seen) < edges:
        v = pick(buyers)
        c = chain[v] if rng.random() < 0.9 else rng.choices(range(COMMUNITIES), weights=chain_weights)[0]
        t = tier[v] - 1 if tier[v] > 0 and rng.random() < 0.85 else rng.randrange(4)
        bucket = by_chain_tier[c][t] if by_chain_tier[c][t][0] else by_chain[c]
        if not bucket[0]:
            continue
        u = pick(bucket)
        if u == v:
            continue
        if (u, v) in seen and rng.random() >= 0.1:
            continue
        seen.add((u, v))
        rows.append((u, v, max(0.1, round(rng.lognormvariate(4.0, 1.2), 1))))
    return rows


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["from", "to", "weight"])
        for u, v, wt in rows:
            w.writerow([u, v, repr(wt)])


def read_graph(path, nodes):
    """A networkx DiGraph with nodes 0..nodes-1 in order; repeated pairs are merged by adding weights in file order."""
    G = nx.DiGraph()
    G.add_nodes_from(range(nodes))
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for a, b, c in r:
            u, v, wt = int(a), int(b), float(c)
            if G.has_edge(u, v):
                G[u][v]["weight"] += wt
            else:
                G.add_edge(u, v, weight=wt)
    return G


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def max_diff(reference, values, relative=False):
    """Largest |a - b| (or |a - b| / |a| over nonzero a when relative); inf on a missing or non-finite value."""
    if len(reference) != len(values):
        return math.inf
    worst = 0.0
    for a, b in zip(reference, values):
        if b is None or not math.isfinite(a):
            return math.inf
        d = abs(a - b)
        if relative:
            d = d / abs(a) if a != 0 else (0.0 if b == 0 else math.inf)
        worst = max(worst, d)
    return worst


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nodes", type=int, default=24000)
    p.add_argument("--edges", type=int, default=46000, help="distinct directed (supplier, customer) pairs")
    p.add_argument("--seed", type=int, default=2023, help="graph generator seed")
    p.add_argument("--csv", default="/tmp/graphbench/supply-edges.csv", help="where to write the edge list")
    p.add_argument("--swift-bin", required=True, help="the GraphBench executable built by run.sh")
    p.add_argument("--threads", type=int, default=2, help="threads for the parallel Swift betweenness")
    p.add_argument("--repeat", type=int, default=3, help="Swift timings are the best of this many runs")
    p.add_argument("--betweenness-sample", type=int, default=0, metavar="K",
                   help="0 = exact betweenness (default); K > 0 = networkx's sampled betweenness with k=K sources")
    p.add_argument("--sample-seed", type=int, default=42, help="networkx seed= for the sampled mode")
    p.add_argument("--tolerance", type=float, default=1e-6, help="largest allowed absolute difference")
    args = p.parse_args()

    os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
    rows, t_gen = timed(lambda: generate(args.nodes, args.edges, args.seed))
    write_csv(args.csv, rows)
    G, t_load = timed(lambda: read_graph(args.csv, args.nodes))
    n, m = G.number_of_nodes(), G.number_of_edges()
    k = args.betweenness_sample
    mode = f"sampled, k={k}, seed={args.sample_seed}" if 0 < k < n else "exact"
    print(f"graph: {n} nodes, {m} distinct edges from {len(rows)} rows, seed {args.seed} "
          f"(generated in {t_gen:.1f} s, loaded into networkx in {t_load:.1f} s); betweenness {mode}", flush=True)

    sources_file = None
    if 0 < k < n:
        sources = random.Random(args.sample_seed).sample(list(G), k)
        sources_file = os.path.splitext(args.csv)[0] + f"-sources-k{k}-s{args.sample_seed}.txt"
        with open(sources_file, "w") as f:
            f.write("\n".join(map(str, sources)) + "\n")

    nodes = list(range(n))
    ref, t_deg = timed(lambda: {
        "in_degree": [float(d) for _, d in G.in_degree()],
        "out_degree": [float(d) for _, d in G.out_degree()],
        "in_strength": [float(d) for _, d in G.in_degree(weight="weight")],
        "out_strength": [float(d) for _, d in G.out_degree(weight="weight")],
    })
    # networkx imports scipy on the first pagerank call; do that outside the timing.
    nx.pagerank(nx.DiGraph([(0, 1)]))
    print("networkx: pagerank ...", flush=True)
    pr, t_pr = timed(lambda: nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-10, max_iter=1000))
    ref["pagerank"] = [pr[v] for v in nodes]
    print(f"networkx: pagerank {t_pr:.3f} s; betweenness ({mode}) ...", flush=True)
    if sources_file:
        bc, t_bc = timed(lambda: nx.betweenness_centrality(G, k=k, normalized=True, weight=None, seed=args.sample_seed))
    else:
        bc, t_bc = timed(lambda: nx.betweenness_centrality(G, normalized=True, weight=None))
    ref["betweenness"] = [bc[v] for v in nodes]
    print(f"networkx: betweenness {t_bc:.1f} s; Swift ...", flush=True)

    cmd = [args.swift_bin, "--csv", args.csv, "--nodes", str(n), "--threads", str(args.threads),
           "--repeat", str(args.repeat)]
    if sources_file:
        cmd += ["--sources", sources_file]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    st = out["timings"]
    par = f"betweenness_{args.threads}"

    diffs = {name: max_diff(ref[name], out[name]) for name in ref}
    diffs["betweenness_parallel"] = max_diff(ref["betweenness"], out["betweenness_parallel"])
    rel = {name: max_diff(ref[name], out[name], relative=True) for name in ref}
    rel["betweenness_parallel"] = max_diff(ref["betweenness"], out["betweenness_parallel"], relative=True)
    degree_names = ("in_degree", "out_degree", "in_strength", "out_strength")
    print()
    print(f"Swift: {out['nodes']} nodes, {out['edges']} edges, pagerank {out['pagerank_iterations']} iterations; "
          f"Swift times are the best of {args.repeat} runs")
    print(f"| {'measure':<28} | {'networkx s':>10} | {'Swift s':>9} | {'ratio':>7} | {'max |diff|':>10} | "
          f"{'max rel diff':>12} |")
    print(f"|{'-' * 30}|{'-' * 11}:|{'-' * 10}:|{'-' * 8}:|{'-' * 11}:|{'-' * 13}:|")

    def line(label, t_nx, t_sw, diff=None, rdiff=None):
        r = t_nx / t_sw if t_sw > 0 else math.inf
        ratio = f"{r:,.1f}x" if r < 10 else f"{r:,.0f}x"
        d = "" if diff is None else f"{diff:.1e}"
        rd = "" if rdiff is None else f"{rdiff:.1e}"
        print(f"| {label:<28} | {t_nx:>10.4g} | {t_sw:>9.4g} | {ratio:>7} | {d:>10} | {rd:>12} |")

    line("read CSV + build graph", t_load, st["parse_csv"] + st["build"])
    line("degrees + strengths", t_deg, st["degrees"],
         max(diffs[x] for x in degree_names), max(rel[x] for x in degree_names))
    line("pagerank", t_pr, st["pagerank"], diffs["pagerank"], rel["pagerank"])
    line("betweenness, 1 thread", t_bc, st["betweenness_1"], diffs["betweenness"], rel["betweenness"])
    line(f"betweenness, {args.threads} threads", t_bc, st[par], diffs["betweenness_parallel"],
         rel["betweenness_parallel"])
    print(f"(betweenness {mode}; ratio = networkx time / Swift time)")

    bad = {name: d for name, d in diffs.items() if not d <= args.tolerance}
    if bad:
        print(f"FAIL: differences above {args.tolerance:g}: {bad}", file=sys.stderr)
        sys.exit(1)
    print(f"OK: every per-node value is within {args.tolerance:g} of networkx")


if __name__ == "__main__":
    main()
