#!/usr/bin/env bash
# Throughput of the sample app's GET / with wrk: a baseline and a candidate, both started once
# and measured in turn (one loaded while the other idles), round after round, with the ratio
# candidate / baseline per round and the medians. Alternating short runs of two servers that stay
# up cancels most of the drift of a machine shared with other guests. Besides requests/s it prints
# the server's CPU time per request (all its processes, from /proc), which varies less.
#
#   benchmarks/throughput.sh                 # plain JVM vs 2 workers, 5 rounds of 20 s each
#   WORKERS=4 DURATION=30 ROUNDS=9 CONNECTIONS=64 benchmarks/throughput.sh
#   EXTRA_CLUSTER_ARGS="--cluster.cpu-affinity=spread" benchmarks/throughput.sh
#   COMPARE=stats ROUNDS=15 DURATION=10 benchmarks/throughput.sh   # 2 workers: stats reporting off vs on
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 COMPARE=balancing benchmarks/throughput.sh
#       # 2 workers: reuse-port vs the shared queue; target: the shared queue costs at most 3 %
#       # (median req/s ratio >= 0.97), exits 1 on a miss
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); wrk and bc are installed with apt-get
# when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

WORKERS=${WORKERS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-30}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
EXTRA_CLUSTER_ARGS=${EXTRA_CLUSTER_ARGS:-}
COMPARE=${COMPARE:-plain}

require_tools wrk bc curl

case $COMPARE in
	plain)
		base_label=plain base_workers=0 base_args="--cluster.enabled=false"
		cand_label=cluster cand_args="--cluster.workers=$WORKERS $EXTRA_CLUSTER_ARGS" ;;
	stats)
		base_label=stats-off base_workers=$WORKERS
		base_args="--cluster.workers=$WORKERS --cluster.stats.enabled=false $EXTRA_CLUSTER_ARGS"
		cand_label=stats-on cand_args="--cluster.workers=$WORKERS $EXTRA_CLUSTER_ARGS" ;;
	balancing)
		base_label=reuse-port base_workers=$WORKERS
		base_args="--cluster.workers=$WORKERS --cluster.balancing=reuse-port $EXTRA_CLUSTER_ARGS"
		cand_label=shared-queue cand_args="--cluster.workers=$WORKERS --cluster.balancing=shared-queue $EXTRA_CLUSTER_ARGS" ;;
	*) echo "COMPARE must be plain, stats or balancing, not '$COMPARE'" >&2; exit 2 ;;
esac

clock_ticks=$(getconf CLK_TCK)
cpu_ticks() { local total=0; for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$total"; }

base_port=$(free_port)
start_server "$base_label" "$base_port" "$base_workers" $base_args
base_server=$server
cand_port=$(free_port)
start_server "$cand_label" "$cand_port" "$WORKERS" $cand_args
cand_server=$server
server=""
trap 'kill -9 $base_server $cand_server $(descendants $base_server) $(descendants $cand_server) 2>/dev/null || true; rm -rf "$BENCH_TMP"' EXIT
base_pids="$base_server $(descendants "$base_server")"
cand_pids="$cand_server $(descendants "$cand_server")"

# $1: port; remaining: the server's pids. Prints "requests/s cpu_us_per_request".
measure() {
	local port=$1; shift
	local before; before=$(cpu_ticks "$@")
	local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$port/")
	local after; after=$(cpu_ticks "$@")
	local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	local requests; requests=$(awk '/requests in/ {print $1}' <<<"$out")
	echo "$rps $(echo "($after - $before) * 1000000 / $clock_ticks / $requests" | bc -l)"
}

echo "machine: $(nproc) cpus, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "baseline $base_label: $base_args"
echo "candidate $cand_label: $cand_args"
echo "wrk: $THREADS threads, $CONNECTIONS connections, ${WARMUP}s warm-up each, then $ROUNDS rounds of ${DURATION}s on each in turn"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$base_port/" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$cand_port/" >/dev/null
ratios=() cpu_ratios=()
for round in $(seq 1 "$ROUNDS"); do
	# Alternate which goes first, so neither always follows the other's load
	if ((round % 2)); then
		read -r base base_cpu < <(measure "$base_port" $base_pids)
		read -r cand cand_cpu < <(measure "$cand_port" $cand_pids)
	else
		read -r cand cand_cpu < <(measure "$cand_port" $cand_pids)
		read -r base base_cpu < <(measure "$base_port" $base_pids)
	fi
	ratio=$(echo "$cand / $base" | bc -l)
	cpu_ratio=$(echo "$base_cpu / $cand_cpu" | bc -l)
	ratios+=("$ratio") cpu_ratios+=("$cpu_ratio")
	printf 'round %2d: %s %6.0f req/s %4.0f us CPU/req | %s %6.0f req/s %4.0f us CPU/req | ratio %.3f req/s, %.3f CPU efficiency\n' \
		"$round" "$base_label" "$base" "$base_cpu" "$cand_label" "$cand" "$cand_cpu" "$ratio" "$cpu_ratio"
done
printf 'memory: %s %d MB RSS, %s %d MB RSS\n' "$base_label" "$(rss_mb $base_pids)" "$cand_label" "$(rss_mb $cand_pids)"
printf 'median of %d rounds: %s/%s requests/s %.3f, CPU efficiency (%s CPU/req / %s CPU/req) %.3f\n' \
	"$ROUNDS" "$cand_label" "$base_label" "$(median "${ratios[@]}")" "$base_label" "$cand_label" "$(median "${cpu_ratios[@]}")"
if [[ $COMPARE == balancing ]]; then
	ratio=$(median "${ratios[@]}")
	if (($(echo "$ratio >= 0.97" | bc -l))); then
		echo "target: shared-queue/reuse-port >= 0.97: met"
	else
		echo "target: shared-queue/reuse-port >= 0.97: MISSED"
		exit 1
	fi
fi
