#!/usr/bin/env bash
# Zero-downtime deploys under load: wrk (32 keep-alive connections) against a cluster of 2 workers
# for the whole run, while the sample is deployed v1 -> v2 (a good release) -> v3 (a release that
# fails at start-up, which must be rolled back), the Capistrano way: releases/current.jar is a
# symlink moved to the next release, then SIGHUP. Every response's version is recorded (a wrk Lua
# script), so the run prints requests, socket errors, non-2xx answers and the versions seen over
# time, with net.ipv4.tcp_migrate_req at 0 and at 1 side by side (set for each run when this runs
# as root, and restored at the end). Exits non-zero when a target is missed:
#   0 socket errors and 0 non-2xx through both deploys; after v2's deploy every response is v2;
#   after v3's failed deploy every response is still v2; v3 never answers at all.
#
#   benchmarks/deploy.sh
#   MIGRATE_VALUES="1" benchmarks/deploy.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package) and a JDK's jar tool; wrk and curl are
# installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
MIGRATE_VALUES=${MIGRATE_VALUES:-0 1}
WRK_TIMEOUT=${WRK_TIMEOUT:-2s}

require_tools wrk curl

sysctl_file=/proc/sys/net/ipv4/tcp_migrate_req
original=$(cat "$sysctl_file" 2>/dev/null || echo "")
restore() { [[ -n $original && -w $sysctl_file ]] && echo "$original" >"$sysctl_file" || true; kill_server; rm -rf "$BENCH_TMP"; }
trap restore EXIT

releases=$BENCH_TMP/releases
mkdir -p "$releases"
sample_release "$releases/app-1.jar" 1.0.0
sample_release "$releases/app-2.jar" 2.0.0
sample_release "$releases/app-3.jar" 3.0.0 sample.fail-at-startup=true

# Counts responses by second and version, in each wrk thread; merged and printed at the end
cat >"$BENCH_TMP/versions.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body)
	local version = body and body:match('"version":"([^"]+)"') or ("status-" .. status)
	local key = os.time() .. " " .. version
	counts[key] = (counts[key] or 0) + 1
end
function done(summary, latency, requests)
	local merged = {}
	for _, thread in ipairs(threads) do
		for key, count in pairs(thread:get("counts")) do merged[key] = (merged[key] or 0) + count end
	end
	for key, count in pairs(merged) do io.write("VERSIONS ", key, " ", count, "\n") end
end
LUA

failed=0
# $1: tcp_migrate_req value. Prints the run's figures; sets failed=1 when a target is missed.
measure() {
	local migrate=$1
	if [[ -w $sysctl_file ]]; then
		echo "$migrate" >"$sysctl_file"
	elif [[ $(cat "$sysctl_file" 2>/dev/null) != "$migrate" ]]; then
		echo "tcp_migrate_req=$migrate: skipped (cannot set $sysctl_file; run as root)"
		return
	fi
	ln -sfn app-1.jar "$releases/current.jar"
	local port; port=$(free_port)
	local log="/tmp/bench-deploy-$migrate.log"
	JAR=$releases/current.jar start_server "deploy-$migrate" "$port" "$WORKERS" --cluster.workers="$WORKERS"
	local out="/tmp/bench-deploy-wrk-$migrate.txt"
	wrk -t"$THREADS" -c"$CONNECTIONS" -d900s --timeout "$WRK_TIMEOUT" -s "$BENCH_TMP/versions.lua" \
		"http://127.0.0.1:$port/" >"$out" 2>&1 &
	local wrk_pid=$!
	sleep 5
	local start=$EPOCHSECONDS
	deploy() { # $1 release file, $2 the log line that ends it; prints the second it ended
		ln -sfn "$1" "$releases/current.jar"
		kill -HUP "$server"
		local end=$((SECONDS + 300))
		until grep -q "$2" "$log"; do
			((SECONDS < end)) || { echo "deploy of $1 did not end; see $log" >&2; kill "$wrk_pid"; exit 1; }
			sleep 0.2
		done
		echo "$EPOCHSECONDS"
	}
	local v2_done; v2_done=$(deploy app-2.jar "Deploy COMPLETED: 2.0.0\|Deploy of 2.0.0 .* completed")
	sleep 5
	local v3_start=$EPOCHSECONDS
	local v3_done; v3_done=$(deploy app-3.jar "Deploy of 3.0.0 .* rolled back\|Deploy of 3.0.0 .* FAILED")
	sleep 10
	local stop=$EPOCHSECONDS
	kill -INT "$wrk_pid"; wait "$wrk_pid" 2>/dev/null || true
	stop_server

	local requests; requests=$(awk '/requests in/ {print $1}' "$out")
	local errors; errors=$(grep -o 'Socket errors:.*' "$out" || echo "Socket errors: none")
	local non2xx; non2xx=$(awk '/Non-2xx/ {print $NF}' "$out")
	non2xx=${non2xx:-0}
	# Once a deploy has ended (from the next whole second on), only v2 may answer: after v2's,
	# until v3's starts, and after v3's was rolled back
	local after_v2; after_v2=$(awk -v from=$((v2_done + 1)) -v to="$v3_start" \
		'$1=="VERSIONS" && $2>=from && $2<to && $3!="2.0.0" {n+=$4} END {print n+0}' "$out")
	local after_v3; after_v3=$(awk -v from=$((v3_done + 1)) '$1=="VERSIONS" && $2>=from && $3!="2.0.0" {n+=$4} END {print n+0}' "$out")
	local v3_answers; v3_answers=$(awk '$1=="VERSIONS" && $3=="3.0.0" {n+=$4} END {print n+0}' "$out")
	printf 'tcp_migrate_req=%s: %s requests in %d s, %s, non-2xx %s\n' "$migrate" "$requests" "$((stop - start))" \
		"$errors" "$non2xx"
	echo "  versions seen over time (seconds from the first deploy; v2 done at $((v2_done - start)) s, v3 rolled back at $((v3_done - start)) s):"
	awk -v start="$start" '$1=="VERSIONS" {t=$2-start; if (t<0) t=0; b=int(t/5)*5; c[b" "$3]+=$4; seen[b]=1}
		END {for (k in c) print k, c[k]}' "$out" | sort -n -k1,1 -k2,2 |
		awk 'BEGIN {last=-1} {if ($1!=last) {if (line) print line; line=sprintf("    %3d-%3d s:", $1, $1+4); last=$1} line=line " " $2 "=" $3} END {print line}'
	# wrk prints its "Socket errors" line only when there are any
	local errors_total; errors_total=$(awk '/Socket errors:/ {gsub(/[^0-9]+/, " "); for (i = 1; i <= NF; i++) n += $i} END {print n+0}' "$out")
	check() { printf '  %-55s %8s   target %s   %s\n' "$1" "$2" "$3" "$( (($2 <= 0)) && echo met || echo MISSED)"; (($2 <= 0)) || failed=1; }
	check "socket errors through both deploys" "$errors_total" 0
	check "non-2xx answers through both deploys" "$non2xx" 0
	check "answers not from v2 between v2's deploy and v3's" "$after_v2" 0
	check "answers not from v2 after v3's deploy was rolled back" "$after_v3" 0
	# v3 fails in an ApplicationRunner, after its server started: a worker joins the port's group
	# only once ready (Tomcat), so it must never have answered
	check "answers from v3, which fails at start-up" "$v3_answers" 0
}

echo "machine: $(nproc) cpus, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"
echo "jar: $JAR as releases 1.0.0, 2.0.0 and 3.0.0 (fails at start-up)"
echo "wrk: $THREADS threads, $CONNECTIONS keep-alive connections; $WORKERS workers; deploys by symlink and SIGHUP"
for migrate in $MIGRATE_VALUES; do
	measure "$migrate"
done
exit $failed
