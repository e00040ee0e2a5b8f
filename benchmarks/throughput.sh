#!/usr/bin/env bash
# Throughput of the sample app's GET / with wrk: one plain JVM (cluster.enabled=false) against a
# cluster of N workers, run alternately on the same machine, with the ratio cluster / plain.
#
#   benchmarks/throughput.sh                 # 2 workers, 2 rounds of 20 s each
#   WORKERS=4 DURATION=30 ROUNDS=3 CONNECTIONS=64 benchmarks/throughput.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); wrk and bc are installed with apt-get
# when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=${WORKERS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
JAR=${JAR:-sample-app/target/sample-app.jar}

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

# $1: label; remaining: extra arguments for the application. Prints "requests/s rss_mb".
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
	local rps; rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}')
	local rss; rss=$(rss_mb "$server" $(descendants "$server"))
	kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
	echo "$rps $rss"
}

echo "machine: $(nproc) cpus, $(uname -r), $(java -version 2>&1 | head -1)"
echo "wrk: $THREADS threads, $CONNECTIONS connections, ${WARMUP}s warm-up, ${DURATION}s measured, $ROUNDS rounds"
plain_total=0 cluster_total=0
for round in $(seq 1 "$ROUNDS"); do
	read -r plain plain_rss < <(measure plain --cluster.enabled=false)
	read -r cluster cluster_rss < <(measure cluster --cluster.workers="$WORKERS")
	printf 'round %d: plain %10.0f req/s (%4d MB RSS)   cluster of %d %10.0f req/s (%4d MB RSS, primary included)   ratio %.3f\n' \
		"$round" "$plain" "$plain_rss" "$WORKERS" "$cluster" "$cluster_rss" "$(echo "$cluster / $plain" | bc -l)"
	plain_total=$(echo "$plain_total + $plain" | bc -l)
	cluster_total=$(echo "$cluster_total + $cluster" | bc -l)
done
printf 'mean:    plain %10.0f req/s   cluster of %d %10.0f req/s   ratio %.3f\n' \
	"$(echo "$plain_total / $ROUNDS" | bc -l)" "$WORKERS" "$(echo "$cluster_total / $ROUNDS" | bc -l)" \
	"$(echo "$cluster_total / $plain_total" | bc -l)"
