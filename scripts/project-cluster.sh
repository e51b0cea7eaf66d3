#!/usr/bin/env bash
# project-cluster.sh [RATE_2CORE [TABLE_MBPS_HOST [HDFS_GBPS_HOST]]]
#
# The cluster projection of docs/BENCHMARKS.md ("scale"): the epoch time of Twitter (1.46B edges, 41.6M nodes) and
# Freebase86m (338M edges, 86.1M nodes) at d 100 on 8 and 64 hosts of 16 cores joined by 25 Gbit/s, with the tables
# moving through HDFS, from figures measured on this machine:
#   RATE_2CORE       training edges/s of one epoch at d 100 (dot, 50 + 50 negatives, 2 HOGWILD threads) on this 2-core
#                    VM, from scripts/bench-scale.sh's train log ("done: ... edges/s")
#   TABLE_MBPS_HOST  what one host can move of tables per second through our table format (read + checksum + decode,
#                    or encode + checksum + write), from the trainer's "tables:" log line (per core, times 16 cores, but
#                    never more than the host's share of HDFS below)
#   HDFS_GBPS_HOST   what HDFS gives one host, GB/s, read and write together (assumed: a 25 Gbit/s NIC is 3.1 GB/s;
#                    writes are replicated 3 times, two of them over the network: about 1 GB/s of table writes)
# and the relation sync from the collective layer's simulator (allreduce/sim). Every other assumption is printed
# with the table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rate="${1:-300000}"; table_mbps="${2:-400}"; hdfs="${3:-1.0}"
[[ -d allreduce/target/classes ]] || mvn -B -q -o -DskipTests -pl allreduce package
sync_ms() {  # one all-reduce of the relation parameters (1 relation x d 100 x 2 floats) over H hosts
  java -cp allreduce/target/classes io.embark.allreduce.sim.SimulatorMain predict "$1:10:3.125:1" 800 \
    | sed -n 's/.*hierarchical_ms=\([0-9.]*\).*/\1/p'
}
s8=$(sync_ms 8); s64=$(sync_ms 64)
python3 - "$rate" "$table_mbps" "$hdfs" "$s8" "$s64" <<'PY'
import sys
rate2, table_mbps, hdfs_gbps, s8, s64 = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
cores = 16
host_rate = rate2 * cores / 2                     # HOGWILD scales with cores (assumption A1)
host_io = min(table_mbps * 1e6 * cores / 2, hdfs_gbps * 1e9)   # bytes/s of table traffic a host sustains (A2)
barrier_s = 0.005                                 # one round's barrier + sync latency besides the all-reduce (A3)
d = 100
print(f"inputs: {rate2:,.0f} edges/s on 2 cores -> {host_rate:,.0f} per 16-core host; tables {table_mbps:,.0f} MB/s per 2 cores,"
      f" HDFS {hdfs_gbps} GB/s per host -> {host_io / 1e9:.2f} GB/s of tables per host; relation sync {s8} ms (8 hosts), {s64} ms (64)")
print("assumptions: A1 HOGWILD training scales linearly from this VM's 2 cores to 16; A2 a host moves tables at the"
      " smaller of 8x this VM's table rate and its HDFS share; A3 a round's barrier costs 5 ms besides the all-reduce;"
      " A4 one worker per host with 16 threads; A5 P = 2W, rounds = P^2 / W, buckets equal; A6 both of a bucket's"
      " partitions are swapped every round (worst case; a schedule that keeps one resident halves the bytes);"
      " A7 one host reads and writes its tables on a local disk of 2 GB/s")
print()
print("| graph | hosts | P | rounds | edges per bucket | compute per round | tables per round (load + save) | round | epoch | bound by |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for name, edges, nodes in (("Twitter", 1.46e9, 41.6e6), ("Freebase86m", 338e6, 86.1e6)):
    for hosts, sync in ((1, 0.0), (8, s8), (64, s64)):
        w = hosts                                 # one worker per host, 16 HOGWILD threads (A4)
        p = 2 * w if hosts > 1 else 16            # PBG's rule: P >= 2W keeps W workers on disjoint partitions (A5);
                                                  # one host: 16 partitions, as PBG's and Marius's runs of these graphs
        rounds = p * p / w                        # every round trains W of the P^2 buckets
        bucket = edges / (p * p)
        compute = bucket / host_rate
        part_bytes = nodes / p * (d + 1) * 4      # embeddings + row-wise Adagrad state
        # both partitions change: load 2, save 2 (A6); prefetched behind compute; one host: its local disk (A7)
        io = 4 * part_bytes / (min(table_mbps * 1e6 * cores / 2, 2e9) if hosts == 1 else host_io)
        rnd = max(compute, io) + sync / 1e3 + barrier_s
        epoch = rounds * rnd
        print(f"| {name} | {hosts} | {p} | {rounds:,.0f} | {bucket:,.0f} | {compute:.2f} s | {io:.2f} s ({4 * part_bytes / 1e9:.2f} GB) |"
              f" {rnd:.2f} s | {epoch / 60:.1f} min | {'tables (I/O)' if io > compute else 'compute'} |")
PY
