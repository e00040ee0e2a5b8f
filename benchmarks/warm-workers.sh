#!/usr/bin/env bash
# Warm workers and quick deploys: what a rolling restart and a deploy cost the requests of users.
# Under wrk (-t2 -c32, keep-alive) against 2 workers of the sample whose image is ready, side by
# side in one run, three clusters:
#   cold         no warm-up: the baseline;
#   warm         cluster.warmup: each new worker sends itself GET / (WARMUP_ROUNDS rounds) before
#                it takes connections;
#   warm+image   the same, and the image's training run warms up too
#                (cluster.image.training-warmup): on Java 25 the AOT cache keeps the method
#                profiles of the warmed-up paths;
# and in each: the p99 over 30 s of steady load, the p99 over 60 s that include a rolling restart
# of both workers, and the p99 over 60 s that include a deploy of another release (which rolls at
# once from the jar while its image is made in the background), with how long the roll and the
# deploy took, and how long the new workers' warm-ups took.
# Targets: p99 in a roll and in a deploy at most 1.5 x the steady p99; 0 socket errors and 0
# non-2xx; a deploy at most 1.5 x as long as the roll. Exits 1 when a target is missed.
#
#   benchmarks/warm-workers.sh
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/warm-workers.sh
#
# Needs wrk, curl and jq (installed with apt-get when missing), a JDK's jar tool, and the sample
# built (./mvnw -B -q -DskipTests package). As root it sets net.ipv4.tcp_migrate_req=1, which a
# reuse-port cluster (Java 17 to 21) needs to lose nothing when a worker's listener closes.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

require_tools wrk curl jq
CONNECTIONS=${CONNECTIONS:-32}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-3000}
TARGET=1.5
migrate_requests

releases="$BENCH_TMP/releases"
mkdir -p "$releases"
sample_release "$releases/app-1.jar" 1.0.0
sample_release "$releases/app-2.jar" 2.0.0

# wrk's p99 in milliseconds, from its --latency output
p99_ms() { awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
	print (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v }' "$1"; }
# The mean warm-up duration of the workers whose warm-up ended after line $2 of log $1
warmups() { tail -n +"$2" "$1" | { grep -o 'warmed up: [0-9]* requests in [0-9.]* s' || true; } | awk '{s += $6; n++}
	END {print (n) ? sprintf("%.1f s (%d workers)", s / n, n) : "-"}'; }

declare -A figure
# $1: name; then the application's arguments for that cluster
measure() {
	local name=$1; shift
	local log="/tmp/bench-warm-$name.log" port; port=$(free_port)
	mkdir -p "$BENCH_TMP/$name"
	ln -sfn app-1.jar "$releases/current.jar"
	BENCH_TMP=$BENCH_TMP/$name JAR=$releases/current.jar start_server "warm-$name" "$port" 2 --cluster.workers=2 "$@"
	until [[ $(curl -s "http://127.0.0.1:$port/actuator/cluster" | jq -r '.primary.image.state') =~ ready|failed|off ]]; do
		sleep 1
	done
	# The first workers started before their image was ready: one roll puts both on it, as every
	# later start of the cluster is
	roll() {
		local before; before=$(grep -c "Rolling restart completed" "$log" || true)
		kill -HUP "$server"
		until (($(grep -c "Rolling restart completed\|Rolling restart aborted" "$log" || true) > before)); do sleep 0.2; done
	}
	deploy() {
		ln -sfn app-2.jar "$releases/current.jar"
		kill -HUP "$server"
		until grep -q "Deploy COMPLETED: 2.0.0\|Deploy of 2.0.0 .* rolled back\|Deploy FAILED" "$log"; do sleep 0.2; done
	}
	roll
	wrk -t2 -c"$CONNECTIONS" -d10s "http://127.0.0.1:$port/" >/dev/null # warm the workers that serve
	wrk -t2 -c"$CONNECTIONS" -d30s --latency "http://127.0.0.1:$port/" >"$BENCH_TMP/$name-steady.txt"
	figure[$name steady]=$(p99_ms "$BENCH_TMP/$name-steady.txt")
	figure[$name steady bad]=$(wrk_bad "$BENCH_TMP/$name-steady.txt")
	local action
	for action in roll deploy; do
		local out="$BENCH_TMP/$name-$action.txt" lines; lines=$(wc -l <"$log")
		wrk -t2 -c"$CONNECTIONS" -d60s --latency "http://127.0.0.1:$port/" >"$out" &
		local wrk_pid=$!
		sleep 5
		local started=$SECONDS
		$action
		figure[$name $action took]=$((SECONDS - started))
		wait "$wrk_pid"
		figure[$name $action]=$(p99_ms "$out")
		figure[$name $action bad]=$(wrk_bad "$out")
		figure[$name $action warmups]=$(warmups "$log" "$lines")
	done
	stop_server
}

measure cold
measure warm --cluster.warmup.requests[0].path=/ --cluster.warmup.iterations="$WARMUP_ROUNDS"
measure warm+image --cluster.warmup.requests[0].path=/ --cluster.warmup.iterations="$WARMUP_ROUNDS" \
	--cluster.image.training-warmup=true

echo "machine: $(nproc) cpus, $("$JAVA" -version 2>&1 | head -1), tcp_migrate_req=$(cat $sysctl_file 2>/dev/null || echo ?)"
echo "wrk -t2 -c$CONNECTIONS keep-alive on GET /, 2 workers from the image; warm-up: $WARMUP_ROUNDS x GET /"
missed=0
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "MISSED" }'; }
for name in cold warm warm+image; do
	steady=${figure[$name steady]}
	printf '%-10s steady  p99 %8.2f ms, %s errors\n' "$name" "$steady" "${figure[$name steady bad]}"
	for action in roll deploy; do
		p99=${figure[$name $action]}
		ratio=$(awk -v a="$p99" -v b="$steady" 'BEGIN { printf "%.1f", a / b }')
		met=$(verdict "$ratio" "$TARGET")
		((${figure[$name $action bad]} == 0)) || met=MISSED
		[[ $met == met ]] || missed=1
		printf '%-10s %-7s p99 %8.2f ms = %4s x steady (target <= %s x), %s errors, took %3d s, warm-ups %s: %s\n' \
			"$name" "$action" "$p99" "$ratio" "$TARGET" "${figure[$name $action bad]}" "${figure[$name $action took]}" \
			"${figure[$name $action warmups]}" "$met"
	done
	deploy_ratio=$(awk -v d="${figure[$name deploy took]}" -v r="${figure[$name roll took]}" 'BEGIN { printf "%.1f", d / r }')
	met=$(verdict "$deploy_ratio" "$TARGET")
	[[ $met == met ]] || missed=1
	printf '%-10s deploy  took %s x the roll (target <= %s x): %s\n' "$name" "$deploy_ratio" "$TARGET" "$met"
done
exit $missed
