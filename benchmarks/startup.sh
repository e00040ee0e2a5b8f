#!/usr/bin/env bash
# Start-up time and memory of the sample as a cluster of 2 against one plain JVM, side by side in
# one run, with the worker image and without it:
#   S        one plain JVM, exec -> first 200 on GET / (median of ROUNDS)
#   C cold   cluster, exec -> both workers listening, no image yet (the first start ever)
#   C image  the same, with the image a previous start left (median of ROUNDS)
#   R image  kill -9 of a worker -> its replacement listening, with the image (median of ROUNDS)
#   R jar    the same with cluster.image.enabled=false
#   PSS      of one plain JVM, and of the whole cluster (primary + workers), after 500 requests
#   primary  RSS (and PSS) of the primary
# and each figure beside its target; exits 1 when one is missed.
#
#   benchmarks/startup.sh                                              # the java on the PATH
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/startup.sh  # another JDK
#   ROUNDS=5 benchmarks/startup.sh
#   EXTRA_CLUSTER_ARGS="--cluster.exec-argv=-XX:+UnlockDiagnosticVMOptions,-XX:ArchiveRelocationMode=0" benchmarks/startup.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); curl and python3 (apt-get installs
# them when missing). Replacements include the slot's restart backoff (cluster.restart.initial-backoff,
# 100 ms by default), as a user's would.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

ROUNDS=${ROUNDS:-3}
SETTLE=${SETTLE:-10}
EXTRA_CLUSTER_ARGS=${EXTRA_CLUSTER_ARGS:-}
require_tools curl python3

feature=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
echo "JVM: $("$JAVA" -version 2>&1 | head -1) (Java $feature); $(nproc) processors; $ROUNDS rounds"

now() { date +%s.%N; }
calc() { python3 -c "print(round($1, 3))"; }
pss_kb() { local total=0; for p in "$@"; do total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0))); done; echo "$total"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# Lines the primary logs when a worker serves: "worker 3 (pid 1234) listening in 2.9 s, ..."
listening_count() { grep -c "listening in" "/tmp/bench-$1.log" || true; }
newest_worker_pid() { grep -o "worker [0-9]* (pid [0-9]*) listening" "/tmp/bench-$1.log" | tail -1 | grep -o "pid [0-9]*" | cut -d' ' -f2; }
oldest_live_worker_pid() {
	for pid in $(grep -o "worker [0-9]* (pid [0-9]*) listening" "/tmp/bench-$1.log" | grep -o "pid [0-9]*" | cut -d' ' -f2); do
		[[ -d /proc/$pid ]] && { echo "$pid"; return; }
	done
}
warm() { for _ in $(seq 1 500); do curl -s -o /dev/null "http://127.0.0.1:$1/"; done; }
# Waits (cheaply: the primary's log, every 100 ms) until $2 workers have been listening in total
await_listening() {
	local label=$1 count=$2 end=$((SECONDS + 180))
	until (($(listening_count "$label") >= count)); do
		((SECONDS < end)) || { echo "$label: no worker listening; see /tmp/bench-$label.log" >&2; exit 1; }
		sleep 0.1
	done
}
await_image() {
	local port=$1 end=$((SECONDS + 600)) state
	while :; do
		state=$(curl -s "http://127.0.0.1:$port/actuator/cluster" | python3 -c 'import json,sys; print(json.load(sys.stdin)["primary"]["image"]["state"])')
		[[ $state != preparing ]] && break
		((SECONDS < end)) || { echo "the image was not ready within 10 minutes" >&2; exit 1; }
		sleep 2
	done
	[[ $state == ready ]] || { echo "the image $state; see the log" >&2; exit 1; }
}
# Starts a cluster of 2 in the background ($server) and sets $elapsed to the seconds until both listen
cluster_start() {
	local label=$1 port=$2; shift 2
	local t0; t0=$(now)
	"$JAVA" -jar "$JAR" --server.port="$port" --cluster.workers=2 --cluster.image.directory="$BENCH_TMP/images" \
		$EXTRA_CLUSTER_ARGS "$@" \
		>"/tmp/bench-$label.log" 2>&1 &
	server=$!
	await_listening "$label" 2
	elapsed=$(calc "$(now) - $t0")
}
# Kills the oldest worker ROUNDS times and prints the median seconds until its replacement listens
replacements() {
	local label=$1 times=()
	for _ in $(seq 1 "$ROUNDS"); do
		sleep "$SETTLE" # the last start's JIT compilation done, as on a cluster that has been up a while
		local before victim t0
		before=$(listening_count "$label")
		victim=$(oldest_live_worker_pid "$label")
		t0=$(now)
		kill -9 "$victim"
		await_listening "$label" $((before + 1))
		times+=("$(calc "$(now) - $t0")")
	done
	median "${times[@]}"
}

# S and the PSS of one plain JVM
starts=()
for round in $(seq 1 "$ROUNDS"); do
	port=$(free_port)
	t0=$(now)
	"$JAVA" -jar "$JAR" --server.port="$port" --cluster.enabled=false >/tmp/bench-plain.log 2>&1 &
	server=$!
	until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.05; done
	starts+=("$(calc "$(now) - $t0")")
	if ((round == ROUNDS)); then
		warm "$port"; sleep "$SETTLE"
		plain_pss=$(pss_kb "$server")
	fi
	stop_server
done
S=$(median "${starts[@]}")

# C cold, then the image, R with it, the cluster's PSS and the primary's RSS
port=$(free_port)
cluster_start cold "$port"
C_cold=$elapsed
await_image "$port"
R_image=$(replacements cold)
warm "$port"; sleep "$SETTLE"
cluster_pss=$(pss_kb "$server" $(descendants "$server"))
primary_rss=$(rss_kb "$server")
primary_pss=$(pss_kb "$server")
stop_server

# C with the image the cold start left
warm_starts=()
for _ in $(seq 1 "$ROUNDS"); do
	port=$(free_port)
	cluster_start image "$port"
	warm_starts+=("$elapsed")
	grep -q "Workers start from the image" /tmp/bench-image.log || { echo "the image was not reused" >&2; exit 1; }
	stop_server
done
C_image=$(median "${warm_starts[@]}")

# R from the jar, and the cluster's PSS without an image
port=$(free_port)
cluster_start jar "$port" --cluster.image.enabled=false
R_jar=$(replacements jar)
warm "$port"; sleep "$SETTLE"
jar_pss=$(pss_kb "$server" $(descendants "$server"))
stop_server

r_target=$( ((feature >= 25)) && echo 0.5 || echo 0.6)
missed=0
row() { # name, value, unit, target expression (python, "x" is the value), target text
	local ok; ok=$(python3 -c "x=$2; print('ok' if $4 else 'MISSED')")
	[[ $ok == ok ]] || missed=1
	printf '%-40s %10s %-4s %-26s %s\n' "$1" "$2" "$3" "$5" "$ok"
}
echo
printf '%-40s %10s %-4s %-26s %s\n' figure value unit target result
printf '%-40s %10s s\n' "S   plain JVM, exec -> first 200" "$S"
printf '%-40s %10s s    (%.2f S)\n' "C   cluster of 2, no image (first start)" "$C_cold" "$(calc "$C_cold / $S")"
row "C   cluster of 2, image reused" "$C_image" s "x <= 1.3 * $S" "<= 1.3 S = $(calc "1.3 * $S")"
row "R   replacement, with the image" "$R_image" s "x <= $r_target * $S" "<= $r_target S = $(calc "$r_target * $S")"
printf '%-40s %10s s    (%.2f S)\n' "R   replacement, from the jar" "$R_jar" "$(calc "$R_jar / $S")"
printf '%-40s %10s MB\n' "PSS one plain JVM" "$((plain_pss / 1024))"
row "PSS cluster, image (primary + 2)" "$((cluster_pss / 1024))" MB "x <= 1.8 * $((plain_pss / 1024))" "<= 1.8 x plain = $((plain_pss * 18 / 10240))"
printf '%-40s %10s MB   (%.2f x plain)\n' "PSS cluster, no image (primary + 2)" "$((jar_pss / 1024))" "$(calc "$jar_pss / $plain_pss")"
row "RSS primary" "$((primary_rss / 1024))" MB "x <= 80" "<= 80"
printf '%-40s %10s MB\n' "PSS primary" "$((primary_pss / 1024))"
echo "(C with no image is the first start ever of this jar, JVM and options; the target is for a start with one)"
exit $missed
