#!/usr/bin/env bash
# Builds the Swift graph benchmark (bench/graph/GraphBench.swift + Sources/BrainModels/Graph/*.swift) with
# `swiftc -O` into a temporary folder, then compares it with networkx via compare_networkx.py.
# Any arguments go to compare_networkx.py, e.g.
#   bash bench/graph/run.sh                              # 24,000 nodes, 46,000 edges, exact betweenness (~19 min:
#                                                        # networkx needs ~18 min for it on the 2-core machine)
#   bash bench/graph/run.sh --betweenness-sample 1000    # networkx's sampled betweenness, same 1000 sources in
#                                                        # Swift (~1 min)
#   bash bench/graph/run.sh --nodes 3000 --edges 6000    # quick run
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${GRAPHBENCH_DIR:-/tmp/graphbench}"
mkdir -p "$out"
swiftc="${SWIFTC:-swiftc}"
echo "building $out/GraphBench with $swiftc -O ..."
"$swiftc" -O -swift-version 6 -parse-as-library \
    "$root"/Sources/BrainModels/Graph/*.swift "$here/GraphBench.swift" -o "$out/GraphBench"
exec python3 "$here/compare_networkx.py" --swift-bin "$out/GraphBench" --csv "$out/supply-edges.csv" "$@"
