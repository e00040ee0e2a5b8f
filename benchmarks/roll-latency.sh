#!/usr/bin/env bash
# Where a rolling restart's latency comes from (issue: warm workers). Under wrk (-t2 -c32,
# keep-alive) against 2 workers whose image is ready, side by side in one run:
#   steady   30 s without a roll: its p99 is the baseline;
#   roll     60 s with a rolling restart of both workers;
#   niced    the same roll, with every new worker's JVM at the lowest CPU priority (nice 19) until
#            it listens, then back to normal: what a booting JVM costs the workers that serve;
# each roll's p99 beside the target (at most 1.5 x the steady p99), its errors (target 0) and
# how long the roll took. What remains in "niced" is the new workers' own slowness while cold.
# Exits 1 when a roll misses the target.
#
#   benchmarks/roll-latency.sh
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/roll-latency.sh
#
# Needs wrk, curl and jq (installed with apt-get when missing) and the sample built
# (./mvnw -B -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

require_tools wrk curl jq
CONNECTIONS=${CONNECTIONS:-32}
TARGET=1.5

# wrk's p99 in milliseconds, from its --latency output
p99_ms() { awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
	print (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v }' "$1"; }
errors() { grep -o 'Socket errors:.*' "$1" || echo "Socket errors: none"; }

# Every thread of a process and of its children (Linux's nice is a thread's)
threads() { for p in "$@"; do ls "/proc/$p/task" 2>/dev/null; done; }

# Renice each worker that does not listen yet to 19, and back to 0 once it listens, until $2 exists
nice_booting() {
	local port=$1 stop=$2
	until [[ -e $stop ]]; do
		curl -s "http://127.0.0.1:$port/actuator/cluster" | jq -r '.workers[] | "\(.pid) \(.state)"' 2>/dev/null |
			while read -r pid state; do
				if [[ $state == listening ]]; then
					renice -n 0 -p $(threads "$pid" $(descendants "$pid")) >/dev/null 2>&1 || true
				else
					renice -n 19 -p $(threads "$pid" $(descendants "$pid")) >/dev/null 2>&1 || true
				fi
			done
		sleep 0.1
	done
}

port=$(free_port)
log=/tmp/bench-roll-latency.log
start_server roll-latency "$port" 2 --cluster.workers=2
until [[ $(curl -s "http://127.0.0.1:$port/actuator/cluster" | jq -r '.primary.image.state') == ready ]]; do sleep 1; done
roll_now() {
	local before; before=$(grep -c "Rolling restart completed" "$log" || true)
	kill -HUP "$server"
	until (($(grep -c "Rolling restart completed\|Rolling restart aborted" "$log" || true) > before)); do sleep 0.2; done
}
# The first workers started before their image was ready: one roll puts both on it, as every
# later start of the cluster is
roll_now

wrk -t2 -c"$CONNECTIONS" -d10s "http://127.0.0.1:$port/" >/dev/null # warm the workers that serve
wrk -t2 -c"$CONNECTIONS" -d30s --latency "http://127.0.0.1:$port/" >"$BENCH_TMP/steady.txt"
steady=$(p99_ms "$BENCH_TMP/steady.txt")

measure_roll() {
	local name=$1 out="$BENCH_TMP/$1.txt" stop="$BENCH_TMP/$1.stop"
	wrk -t2 -c"$CONNECTIONS" -d60s --latency "http://127.0.0.1:$port/" >"$out" &
	local wrk_pid=$!
	[[ $name == niced ]] && { nice_booting "$port" "$stop" & }
	sleep 5
	local started=$SECONDS
	roll_now
	local took=$((SECONDS - started))
	touch "$stop"
	wait "$wrk_pid"
	wait
	echo "$took"
}
roll_took=$(measure_roll roll)
wrk -t2 -c"$CONNECTIONS" -d10s "http://127.0.0.1:$port/" >/dev/null
niced_took=$(measure_roll niced)
stop_server

echo "machine: $(nproc) cpus, $("$JAVA" -version 2>&1 | head -1); wrk -t2 -c$CONNECTIONS, 2 workers from the image"
printf '%-8s p99 %8.2f ms  %s\n' steady "$steady" "$(errors "$BENCH_TMP/steady.txt")"
missed=0
for run in roll niced; do
	p99=$(p99_ms "$BENCH_TMP/$run.txt")
	took=$([[ $run == roll ]] && echo "$roll_took" || echo "$niced_took")
	ratio=$(awk -v a="$p99" -v b="$steady" 'BEGIN { printf "%.1f", a / b }')
	met=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r <= t) ? "met" : "MISSED" }')
	err=$(errors "$BENCH_TMP/$run.txt")
	[[ $err == "Socket errors: none" ]] || met=MISSED
	[[ $met == met ]] || missed=1
	printf '%-8s p99 %8.2f ms = %5s x steady (target <= %s x), %s, roll %d s: %s\n' \
		"$run" "$p99" "$ratio" "$TARGET" "$err" "$took" "$met"
done
exit $missed
