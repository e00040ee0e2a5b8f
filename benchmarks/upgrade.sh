#!/usr/bin/env bash
# Upgrades of the primary itself: what they cost the requests of users. A cluster of 2 workers
# of the sample, launched from releases/current.jar (a symlink to 1.0.0) with
# cluster.upgrade.old-primary=wait, as under systemd, serves two wrk runs for the whole
# benchmark: 32 keep-alive connections, and 4 connections that send 'Connection: close' (a new
# connection for every request). Meanwhile:
#   1. 'upgrade' to 2.0.0, a build whose starter has another version string: a new primary takes
#      over the port, forks its workers, and the old ones retire;
#   2. 'upgrade' to 3.0.0, whose primary fails at start (its configuration does not bind): it is
#      refused by its own start, and the running primary carries on.
# Targets: 0 socket errors and 0 non-2xx through both wrk runs; after the first upgrade every
# answer comes from 2.0.0 and the primary runs the other starter; the second upgrade exits 1 and
# every answer still comes from 2.0.0. Prints the time from each command to its end. Exits 1
# when a target is missed.
#
#   benchmarks/upgrade.sh
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/upgrade.sh   (the shared queue)
#
# Needs wrk, curl, jq and unzip (installed with apt-get when missing), a JDK's jar tool, and the
# sample built (./mvnw -B -q -DskipTests package). As root it sets net.ipv4.tcp_migrate_req=1,
# which a reuse-port cluster (Java 17 to 21) needs to lose nothing when a worker's listener closes.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

require_tools wrk curl jq unzip
DURATION=${DURATION:-180}
migrate_requests

releases="$BENCH_TMP/releases"
mkdir -p "$releases"
sample_release "$releases/app-1.jar" 1.0.0
sample_release "$releases/app-2.jar" 2.0.0
starter_version "$releases/app-2.jar" 9.9.9-upgrade
sample_release "$releases/app-3.jar" 3.0.0 cluster.restart.policy=sometimes
ln -sfn app-1.jar "$releases/current.jar"

port=$(free_port)
log=/tmp/bench-upgrade.log
export CLUSTER_CONTROL_DIRECTORY="$BENCH_TMP/control"
JAR=$releases/current.jar start_server upgrade "$port" 2 --cluster.workers=2 --cluster.upgrade.old-primary=wait
first_primary=$server
cli() { "$JAVA" -Djarmode=cluster -jar "$releases/current.jar" "$@"; }
# The versions of 20 answers, each on a new connection
versions() { for _ in $(seq 20); do curl -s "http://127.0.0.1:$port/" | jq -r .version; done | sort -u | paste -sd, -; }

wrk -t1 -c32 -d"${DURATION}s" "http://127.0.0.1:$port/" >"$BENCH_TMP/keep-alive.txt" &
keep_alive=$!
wrk -t1 -c4 -d"${DURATION}s" -H 'Connection: close' "http://127.0.0.1:$port/" >"$BENCH_TMP/close.txt" &
close=$!
started_load=$SECONDS
sleep 10

t0=$(date +%s.%N)
first_status=0
cli upgrade "$releases/app-2.jar" >"$BENCH_TMP/upgrade-1.out" 2>&1 || first_status=$?
first_took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# The old workers finish their requests and leave; then only 2.0.0 answers
end=$((SECONDS + 120))
until [[ $(curl -s "http://127.0.0.1:$port/actuator/cluster" | jq -r '[.workers[].release.version] | unique | join(",")') == 2.0.0 ]]; do
	((SECONDS < end)) || break
	sleep 1
done
after_first=$(versions)
primary_runs=$(curl -s "http://127.0.0.1:$port/actuator/cluster" | jq -r '.primary.runs | "\(.version) starter \(.starter)"')
# The first primary waits for the new one, as under systemd: what that costs
until grep -q "This primary stays as the process the service manager watches" "$log"; do sleep 1; done
waiting_rss=$(rss_mb "$first_primary")

t0=$(date +%s.%N)
second_status=0
cli upgrade "$releases/app-3.jar" >"$BENCH_TMP/upgrade-2.out" 2>&1 || second_status=$?
second_took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
after_second=$(versions)
upgrades_ended=$((SECONDS - started_load))

wait "$keep_alive" "$close"
server=$first_primary
stop_server

missed=0
check() { if eval "$2"; then echo "$1: met"; else echo "$1: MISSED"; missed=1; fi; }
echo "machine: $(nproc) cpus, $("$JAVA" -version 2>&1 | head -1), tcp_migrate_req=$(cat $sysctl_file 2>/dev/null || echo ?)"
echo "wrk -t1 -c32 keep-alive and wrk -t1 -c4 'Connection: close' on GET / for ${DURATION} s; 2 workers"
printf 'keep-alive wrk: %s requests, %s errors (target 0)\n' "$(awk '/requests in/ {print $1}' "$BENCH_TMP/keep-alive.txt")" \
	"$(wrk_bad "$BENCH_TMP/keep-alive.txt")"
printf 'close wrk:      %s requests, %s errors (target 0)\n' "$(awk '/requests in/ {print $1}' "$BENCH_TMP/close.txt")" \
	"$(wrk_bad "$BENCH_TMP/close.txt")"
printf 'upgrade 1.0.0 -> 2.0.0: exit %s in %s s; then answers from %s; the primary runs %s\n' "$first_status" \
	"$first_took" "$after_first" "$primary_runs"
printf 'the old primary, waiting for the new one: %s MB RSS\n' "$waiting_rss"
printf 'upgrade 2.0.0 -> 3.0.0 (its primary fails): exit %s in %s s; then answers from %s\n' "$second_status" \
	"$second_took" "$after_second"
check "0 errors through both wrk runs" '(( $(wrk_bad "$BENCH_TMP/keep-alive.txt") + $(wrk_bad "$BENCH_TMP/close.txt") == 0 ))'
check "the first upgrade completed (exit 0)" '((first_status == 0))'
check "after it, every answer from 2.0.0, whose starter the primary runs" \
	'[[ $after_first == 2.0.0 && $primary_runs == "2.0.0 starter 9.9.9-upgrade" ]]'
check "the failed upgrade exits 1 and every answer still comes from 2.0.0" \
	'[[ $second_status == 1 && $after_second == 2.0.0 ]]'
check "both upgrades ended while the load ran (${upgrades_ended} s of ${DURATION} s)" '((upgrades_ended < DURATION))'
if ((missed)); then
	echo "--- upgrade 1"; cat "$BENCH_TMP/upgrade-1.out"; echo "--- upgrade 2"; cat "$BENCH_TMP/upgrade-2.out"
	echo "the cluster's log: $log"
fi
exit $missed
