#!/usr/bin/env bash
# Throughput of the sample app's GET / with wrk: one plain JVM (cluster.enabled=false) against a
# cluster of N workers, run alternately on the same machine, with the ratio cluster / plain.
# Besides requests/s it prints the server's CPU time per request (all its processes, from
# /proc), which varies far less than requests/s on a machine shared with other guests.
#
#   benchmarks/throughput.sh                 # 2 workers, 3 rounds of 20 s each
#   WORKERS=4 DURATION=30 ROUNDS=3 CONNECTIONS=64 benchmarks/throughput.sh
#   EXTRA_CLUSTER_ARGS="--cluster.share-processors=false" benchmarks/throughput.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); wrk and bc are installed with apt-get
# when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=${WORKERS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
JAR=${JAR:-sample-app/target/sample-app.jar}
EXTRA_CLUSTER_ARGS=${EXTRA_CLUSTER_ARGS:-}

missing=()
for tool in wrk bc curl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if ((${#missing[@]})); then
	echo "Installing ${missing[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[[ -f $JAR ]] || { echo "No $JAR: run ./mvnw -B -q -DskipTests package first" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
descendants() { local p=$1; for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do echo "$c"; descendants "$c"; done; }
rss_mb() { local total=0; for p in "$@"; do total=$((total + $(ps -o rss= -p "$p" 2>/dev/null || echo 0))); done; echo $((total / 1024)); }

server=""
cleanup() { [[ -n $server ]] && kill -9 $server $(descendants "$server") 2>/dev/null || true; }
trap cleanup EXIT

clock_ticks=$(getconf CLK_TCK)
cpu_ticks() { local total=0; for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$total"; }

# $1: label; remaining: extra arguments for the application. Prints "requests/s rss_mb cpu_us_per_request".
measure() {
	local label=$1; shift
	local port; port=$(free_port)
	java -jar "$JAR" --server.port="$port" "$@" >"/tmp/bench-$label.log" 2>&1 &
	server=$!
	local end=$((SECONDS + 120))
	until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
		((SECONDS < end)) || { echo "$label did not start; see /tmp/bench-$label.log" >&2; exit 1; }
		sleep 0.5
	done
	if [[ $label == cluster ]]; then # wait for every worker, not just the first
		until [[ $(curl -s "http://127.0.0.1:$port/actuator/cluster" | grep -o '"listening"' | wc -l) -ge $WORKERS ]]; do sleep 0.5; done
	fi
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port/" >/dev/null
	local pids; pids="$server $(descendants "$server")"
	local before; before=$(cpu_ticks $pids)
	local out; out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$port/")
	local after; after=$(cpu_ticks $pids)
	local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	local requests; requests=$(awk '/requests in/ {print $1}' <<<"$out")
	local cpu_us; cpu_us=$(echo "($after - $before) * 1000000 / $clock_ticks / $requests" | bc -l)
	local rss; rss=$(rss_mb $pids)
	kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
	echo "$rps $rss $cpu_us"
}

echo "machine: $(nproc) cpus, $(uname -r), $(java -version 2>&1 | head -1)"
echo "cluster: $WORKERS workers ${EXTRA_CLUSTER_ARGS:-(defaults)}"
echo "wrk: $THREADS threads, $CONNECTIONS connections, ${WARMUP}s warm-up, ${DURATION}s measured, $ROUNDS rounds"
ratios=() cpu_ratios=()
for round in $(seq 1 "$ROUNDS"); do
	read -r plain plain_rss plain_cpu < <(measure plain --cluster.enabled=false)
	read -r cluster cluster_rss cluster_cpu < <(measure cluster --cluster.workers="$WORKERS" $EXTRA_CLUSTER_ARGS)
	ratio=$(echo "$cluster / $plain" | bc -l)
	cpu_ratio=$(echo "$plain_cpu / $cluster_cpu" | bc -l)
	ratios+=("$ratio") cpu_ratios+=("$cpu_ratio")
	printf 'round %d: plain %6.0f req/s %4.0f us CPU/req %4d MB | cluster %6.0f req/s %4.0f us CPU/req %4d MB | ratio %.3f req/s, %.3f CPU efficiency\n' \
		"$round" "$plain" "$plain_cpu" "$plain_rss" "$cluster" "$cluster_cpu" "$cluster_rss" "$ratio" "$cpu_ratio"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf 'median of %d rounds: cluster/plain requests/s %.3f, CPU efficiency (plain CPU/req / cluster CPU/req) %.3f\n' \
	"$ROUNDS" "$(median "${ratios[@]}")" "$(median "${cpu_ratios[@]}")"
