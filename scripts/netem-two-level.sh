#!/usr/bin/env bash
# An emulated two-level network: 2 "hosts" (network namespaces) x RANKS ranks (JVMs). Ranks of one
# host talk over that namespace's own stack (fast); the hosts are joined by one veth pair shaped with
# tc netem to RATE_MBIT Mbit/s and 1 ms each way. Runs the flat ring and the hierarchical
# (BlueConnect, RANKSx2) all-reduce side by side and prints the measured factor next to the
# simulator's prediction. Needs root (network namespaces); only namespace-internal addresses
# (10.77.0.0/24) are used.
#
#   scripts/netem-two-level.sh [BYTES] [ITERS]       (defaults: 16000000 bytes, 5 iterations)
#   RANKS=2 RATE_MBIT=200 scripts/netem-two-level.sh (defaults: RANKS=4, RATE_MBIT=1000)
set -euo pipefail
cd "$(dirname "$0")/.."
BYTES="${1:-16000000}"
ITERS="${2:-5}"
RANKS="${RANKS:-4}"
RATE_MBIT="${RATE_MBIT:-1000}"
P=$((2 * RANKS))
RATE_GBPS=$(awk -v m="$RATE_MBIT" 'BEGIN{printf "%.4f", m/8000}')
H0=embark-h0
H1=embark-h1
command -v ip >/dev/null && command -v tc >/dev/null || { echo "needs iproute2: apt-get install -y iproute2"; exit 2; }

cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  ip netns del "$H0" 2>/dev/null || true
  ip netns del "$H1" 2>/dev/null || true
}
trap cleanup EXIT
cleanup

ip netns add "$H0"
ip netns add "$H1"
ip link add embark-v0 type veth peer name embark-v1
ip link set embark-v0 netns "$H0"
ip link set embark-v1 netns "$H1"
ip -n "$H0" addr add 10.77.0.1/24 dev embark-v0
ip -n "$H1" addr add 10.77.0.2/24 dev embark-v1
for ns in "$H0" "$H1"; do ip -n "$ns" link set lo up; done
ip -n "$H0" link set embark-v0 up
ip -n "$H1" link set embark-v1 up
# 1 Gbit/s and 1 ms on each direction of the inter-host link. Some kernels (e.g. this sandbox's
# Firecracker guest) ship without sch_netem ("Error: Specified qdisc kind is unknown."): then the
# link is shaped to 1 Gbit/s with tbf alone, without the added delay, and the prediction uses the
# veth's own latency instead of 1 ms.
INTER_ALPHA_US=1000
if ip netns exec "$H0" tc qdisc add dev embark-v0 root netem delay 1ms rate "${RATE_MBIT}mbit" limit 100000 2>/tmp/embark-netem.err; then
  ip netns exec "$H1" tc qdisc add dev embark-v1 root netem delay 1ms rate "${RATE_MBIT}mbit" limit 100000
  echo "# inter-host link: netem, $RATE_MBIT Mbit/s, 1 ms each way"
else
  echo "# netem unavailable ($(cat /tmp/embark-netem.err)); inter-host link: tbf $RATE_MBIT Mbit/s, no added delay"
  for pair in "$H0 embark-v0" "$H1 embark-v1"; do
    set -- $pair
    ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "${RATE_MBIT}mbit" burst 256kb latency 200ms
  done
  INTER_ALPHA_US=100
fi

mvn -B -q -o -pl allreduce test-compile 2>/dev/null || mvn -B -q -pl allreduce test-compile
CP=allreduce/target/classes:allreduce/target/test-classes
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

if command -v ping >/dev/null; then echo "# ping between the emulated hosts:"; ip netns exec "$H0" ping -c 3 -q 10.77.0.2 | tail -1; fi

# one run of 8 ranks; prints rank 0's TIMES line
run() { # $1 = algorithm, $2 = topology (optional), $3 = base port
  local algo=$1 topo=$2 base=$3 addrs="" pids=()
  for ((r = 0; r < P; r++)); do
    if [ "$r" -lt "$RANKS" ]; then addrs+="10.77.0.1:$((base + r)),"; else addrs+="10.77.0.2:$((base + r)),"; fi
  done
  addrs=${addrs%,}
  local out; out=$(mktemp)
  for ((r = 0; r < P; r++)); do
    local ns=$H0; [ "$r" -ge "$RANKS" ] && ns=$H1
    timeout 300 ip netns exec "$ns" java -Xmx512m -cp "$CP" io.embark.allreduce.bench.BenchWorker \
      "$r" "$addrs" "$SECRET" "$BYTES" "$ITERS" 2 array 1048576 "$algo" $topo > "$out.$r" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "rank failed:"; cat "$out".*; exit 1; }; done
  grep '^TIMES' "$out.0"
  rm -f "$out" "$out".*
}

median() { tr ' ' '\n' | grep -v TIMES | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# calibration: the same P ranks all inside host 0 (no shaped link), flat ring. On 2 cores, P JVMs share
# the CPU, so loopback inside an emulated host is far slower than on an idle machine; the effective
# intra-host beta for the prediction comes from this run: t = 2(p-1)(alpha + N/p beta).
run_local() {
  local base=$1 addrs="" pids=() out; out=$(mktemp)
  for ((r = 0; r < P; r++)); do addrs+="10.77.0.1:$((base + r)),"; done
  addrs=${addrs%,}
  for ((r = 0; r < P; r++)); do
    timeout 300 ip netns exec "$H0" java -Xmx512m -cp "$CP" io.embark.allreduce.bench.BenchWorker \
      "$r" "$addrs" "$SECRET" "$BYTES" "$ITERS" 2 array 1048576 RING > "$out.$r" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { cat "$out".*; exit 1; }; done
  grep '^TIMES' "$out.0"; rm -f "$out" "$out".*
}
LOCAL=$(run_local 41900 | median)
INTRA_GBPS=$(awk -v t="$LOCAL" -v n="$BYTES" -v p="$P" 'BEGIN{ step=t/(2*(p-1)) - 60e-6; printf "%.3f", (n/p)/step/1e9 }')
echo "# calibration: flat ring of $P ranks inside one emulated host: $(awk -v t="$LOCAL" 'BEGIN{printf "%.1f", t*1000}') ms -> effective intra-host bandwidth $INTRA_GBPS GB/s per flow"

FLAT=$(run RING "" 42000 | median)
HIER=$(run HIERARCHICAL "${RANKS}x2" 42100 | median)
echo "RESULT bench=netem-2x$RANKS rate_mbit=$RATE_MBIT bytes=$BYTES iters=$ITERS flat_ring_ms=$(awk -v t="$FLAT" 'BEGIN{printf "%.1f", t*1000}') hierarchical_ms=$(awk -v t="$HIER" 'BEGIN{printf "%.1f", t*1000}') measured_factor=$(awk -v a="$FLAT" -v b="$HIER" 'BEGIN{printf "%.2f", a/b}')"
# the simulator with this shape: inside a host loopback TCP (60 us, the calibrated bandwidth), between hosts
# the shaped link (RATE_MBIT, one link per host)
java -cp "$CP" io.embark.allreduce.sim.SimulatorMain predict "$RANKS:60:$INTRA_GBPS:1,2:$INTER_ALPHA_US:$RATE_GBPS:1" "$BYTES"
