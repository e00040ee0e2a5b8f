#!/usr/bin/env bash
# Lost requests during rolling restarts: wrk (32 keep-alive connections) against a cluster of 2
# workers while SIGHUP triggers 3 rolling restarts in a row, one after the other completes. Prints
# wrk's requests, socket errors and non-2xx answers, with net.ipv4.tcp_migrate_req at 0 and at 1
# side by side (the sysctl is set for each run when this runs as root, and restored at the end).
# MODE=recycle replaces workers by recycling instead (cluster.recycle.max-requests=RECYCLE_AFTER)
# and waits for ROLLS recycles; JAR picks another build of the sample (a Jetty one, say).
#
#   benchmarks/rolling-restart.sh
#   ROLLS=5 MIGRATE_VALUES="1" benchmarks/rolling-restart.sh
#   PARALLELISM=2 WRK_TIMEOUT=10s benchmarks/rolling-restart.sh
#   MODE=recycle RECYCLE_AFTER=100000 benchmarks/rolling-restart.sh
#   ./mvnw -B -q -DskipTests -Pjetty clean package && JAR=sample-app/target/sample-app-jetty.jar benchmarks/rolling-restart.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); wrk and curl are installed with
# apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

ROLLS=${ROLLS:-3}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
MIGRATE_VALUES=${MIGRATE_VALUES:-0 1}
WRK_TIMEOUT=${WRK_TIMEOUT:-2s} # wrk counts a response slower than this as a "timeout" error
MODE=${MODE:-roll}
PARALLELISM=${PARALLELISM:-1}
RECYCLE_AFTER=${RECYCLE_AFTER:-100000}
case $MODE in
	roll)
		mode_args=(--cluster.rolling-restart.parallelism="$PARALLELISM")
		done_line="Rolling restart completed\|Rolling restart aborted"
		failed_line="Rolling restart aborted";;
	recycle)
		mode_args=(--cluster.recycle.max-requests="$RECYCLE_AFTER" --cluster.stats.interval=1s)
		done_line="Replaced in slot\|Could not replace"
		failed_line="Could not replace";;
	*) echo "MODE must be roll or recycle, not '$MODE'" >&2; exit 2;;
esac

require_tools wrk curl

sysctl_file=/proc/sys/net/ipv4/tcp_migrate_req
original=$(cat "$sysctl_file" 2>/dev/null || echo "")
restore() { [[ -n $original && -w $sysctl_file ]] && echo "$original" >"$sysctl_file" || true; kill_server; rm -rf "$BENCH_TMP"; }
trap restore EXIT

# $1: tcp_migrate_req value. Prints one result line.
measure() {
	local migrate=$1
	if [[ -w $sysctl_file ]]; then
		echo "$migrate" >"$sysctl_file" # before the workers' listeners exist: it applies when they close
	elif [[ $(cat "$sysctl_file" 2>/dev/null) != "$migrate" ]]; then
		echo "tcp_migrate_req=$migrate: skipped (cannot set $sysctl_file; run as root)"
		return
	fi
	local port; port=$(free_port)
	local log="/tmp/bench-rolling-$migrate.log"
	start_server "rolling-$migrate" "$port" "$WORKERS" --cluster.workers="$WORKERS" "${mode_args[@]}"
	local before; before=$(grep -c "$done_line" "$log" || true)
	wrk -t"$THREADS" -c"$CONNECTIONS" -d600s --timeout "$WRK_TIMEOUT" "http://127.0.0.1:$port/" >"/tmp/bench-rolling-wrk-$migrate.txt" 2>&1 &
	local wrk_pid=$!
	sleep 5
	local started=$SECONDS
	for roll in $(seq 1 "$ROLLS"); do
		[[ $MODE == roll ]] && kill -HUP "$server"
		local end=$((SECONDS + 180))
		until (($(grep -c "$done_line" "$log" || true) >= before + roll)); do
			((SECONDS < end)) || { echo "roll $roll did not finish; see $log" >&2; kill "$wrk_pid"; exit 1; }
			sleep 0.2
		done
	done
	sleep 3
	kill -INT "$wrk_pid"; wait "$wrk_pid" 2>/dev/null || true
	stop_server
	local out; out=$(cat "/tmp/bench-rolling-wrk-$migrate.txt")
	local requests; requests=$(awk '/requests in/ {print $1}' <<<"$out")
	local errors; errors=$(grep -o 'Socket errors:.*' <<<"$out" || echo "Socket errors: none")
	local non2xx; non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
	local aborted; aborted=$(grep -c "$failed_line" "$log" || true)
	printf 'tcp_migrate_req=%s: %d %ss in %d s (%d failed), %s requests, %s, non-2xx %s\n' \
		"$migrate" "$ROLLS" "$MODE" "$((SECONDS - started))" "$aborted" "$requests" "$errors" "${non2xx:-0}"
}

echo "machine: $(nproc) cpus, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "jar: $JAR"
echo "wrk: $THREADS threads, $CONNECTIONS keep-alive connections; $ROLLS ${MODE}s of $WORKERS workers" \
	"($([[ $MODE == roll ]] && echo "parallelism $PARALLELISM" || echo "every $RECYCLE_AFTER requests"))"
for migrate in $MIGRATE_VALUES; do
	measure "$migrate"
done
