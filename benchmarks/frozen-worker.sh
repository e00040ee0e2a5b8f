#!/usr/bin/env bash
# A frozen worker, and how evenly new connections spread, side by side in one run:
#   shared-queue  a cluster of 2 whose workers accept from the primary's one socket (the default
#                 on Java 22+)
#   reuse-port    the same cluster with cluster.balancing=reuse-port (a SO_REUSEPORT listener each)
#   nginx         nginx least_conn in front of 2 plain JVMs of the sample (what users pick instead)
# For each: BALANCE_SECONDS of wrk with "Connection: close" (a new connection per request), every
# response's pid counted, gives the requests per worker; then the steady throughput (wrk,
# keep-alive); then one worker (one backend for nginx) is frozen with SIGSTOP, and 40 requests are
# made one after another, each on a new connection with a 5 s limit (curl, timed one by one, so
# the figures add up), then wrk runs again during the freeze. Each setup is warmed up first.
# Targets, for shared-queue only (the others are the baseline, printed beside it):
#   0 of 40 requests slower than 1 s during the freeze; throughput during the freeze at least half
#   of the steady throughput; each worker's share of the requests within 15 % of an even share.
# Exits 1 when a target is missed.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/frozen-worker.sh
#   DURATION=20 BALANCE_SECONDS=20 benchmarks/frozen-worker.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package) and Java 22 or later for the shared
# queue; wrk, nginx, curl and python3 are installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-15}
BALANCE_SECONDS=${BALANCE_SECONDS:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SEQUENTIAL=40

require_tools wrk nginx curl python3
echo "machine: $(nproc) cpus, $(uname -r), $("$JAVA" -version 2>&1 | head -1)"

pids_to_kill=()
nginx_pid=""
cleanup() {
	kill -CONT "${pids_to_kill[@]}" 2>/dev/null || true
	[[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null || true
	for p in "${pids_to_kill[@]}"; do kill -9 "$p" $(descendants "$p") 2>/dev/null || true; done
	rm -rf "$BENCH_TMP"
}
trap cleanup EXIT

# Counts every response's pid, in each wrk thread; merged and printed at the end
cat >"$BENCH_TMP/pids.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body)
	local pid = body and body:match('"pid":(%d+)') or ("status-" .. status)
	counts[pid] = (counts[pid] or 0) + 1
end
function done(summary, latency, requests)
	local merged = {}
	for _, thread in ipairs(threads) do
		for pid, count in pairs(thread:get("counts")) do merged[pid] = (merged[pid] or 0) + count end
	end
	for pid, count in pairs(merged) do io.write("pid ", pid, " ", count, "\n") end
end
LUA

# $1: port. Prints the largest deviation from an even share, in percent, after the counts.
balance() {
	local port=$1
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${BALANCE_SECONDS}s" -H "Connection: close" -s "$BENCH_TMP/pids.lua" \
		"http://127.0.0.1:$port/" | awk '/^pid / {print $2, $3}' | python3 -c '
import sys
counts = {pid: int(n) for pid, n in (line.split() for line in sys.stdin)}
total = sum(counts.values())
even = total / len(counts)
print(" ".join(f"{pid}:{n}" for pid, n in sorted(counts.items())), "|", round(max(abs(n - even) / even * 100 for n in counts.values()), 1))
'
}

# $1: port. Prints requests/s.
throughput() {
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'
}

# $1: port. Prints how many of SEQUENTIAL requests, each on a new connection, took over 1 s
# (a request that times out at 5 s counts), and the slowest.
sequential() {
	local slow=0 worst=0 t
	for ((i = 0; i < SEQUENTIAL; i++)); do
		t=$(curl -s -o /dev/null -m 5 -w '%{time_total}' "http://127.0.0.1:$1/" || true)
		t=${t:-5}
		if python3 -c "import sys; sys.exit(0 if $t > 1 else 1)"; then slow=$((slow + 1)); fi
		worst=$(python3 -c "print(max($worst, $t))")
	done
	echo "$slow $worst"
}

# $1: label; $2: port; $3: the pid to freeze. Prints one result line:
# label deviation steady frozen-throughput slow worst
measure() {
	local label=$1 port=$2 victim=$3
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port/" >/dev/null
	local counts deviation steady slow worst during
	read -r counts < <(balance "$port")
	deviation=${counts##*| }
	steady=$(throughput "$port")
	kill -STOP "$victim"
	read -r slow worst < <(sequential "$port")
	during=$(throughput "$port")
	# The primary's hang detection may have replaced a worker frozen this long (reuse-port's
	# requests wait 5 s each): then there is nothing left to resume
	kill -CONT "$victim" 2>/dev/null || true
	echo "$label $deviation $steady $during $slow $worst ${counts%% |*}"
}

results=()
# The cluster, in each balancing mode
for mode in shared-queue reuse-port; do
	port=$(free_port)
	start_server "frozen-$mode" "$port" 2 --cluster.workers=2 --cluster.balancing="$mode"
	pids_to_kill+=("$server")
	if [[ $mode == shared-queue ]] && ! grep -q "Workers accept from one queue" "/tmp/bench-frozen-$mode.log"; then
		echo "The shared queue did not start (it needs Java 22+ on Linux); see /tmp/bench-frozen-$mode.log" >&2
		exit 1
	fi
	victim=$(curl -s "http://127.0.0.1:$port/actuator/cluster" | python3 -c '
import json, sys
workers = json.load(sys.stdin)["workers"]
print(sorted(workers.values(), key=lambda w: w["id"])[0]["pid"])')
	results+=("$(measure "$mode" "$port" "$victim")")
	stop_server
done

# nginx least_conn over two plain JVMs
backends=()
for i in 1 2; do
	backend_port=$(free_port)
	start_server "frozen-plain-$i" "$backend_port" 0 --cluster.enabled=false
	pids_to_kill+=("$server")
	backends+=("$server:$backend_port")
	server=""
done
nginx_port=$(free_port)
cat >"$BENCH_TMP/nginx.conf" <<NGINX
worker_processes 2;
pid $BENCH_TMP/nginx.pid;
error_log $BENCH_TMP/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	upstream sample {
		least_conn;
		server 127.0.0.1:${backends[0]#*:};
		server 127.0.0.1:${backends[1]#*:};
		keepalive 64;
	}
	server {
		listen 127.0.0.1:$nginx_port;
		location / {
			proxy_pass http://sample;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_read_timeout 60s;
		}
	}
}
NGINX
nginx -c "$BENCH_TMP/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/"; do sleep 0.2; done
results+=("$(measure nginx "$nginx_port" "${backends[0]%%:*}")")

echo
printf '%-13s %10s %12s %14s %9s %10s %10s  %s\n' setup "balance ±%" "steady rq/s" "frozen rq/s" "ratio" "slow/$SEQUENTIAL" "slowest s" "requests per pid"
failed=0
for line in "${results[@]}"; do
	read -r label deviation steady during slow worst counts <<<"$line"
	ratio=$(python3 -c "print(round($during / $steady, 2))")
	printf '%-13s %10s %12.0f %14.0f %9s %10s %10s  %s\n' "$label" "$deviation" "$steady" "$during" "$ratio" "$slow" "$worst" "$counts"
	if [[ $label == shared-queue ]]; then
		python3 -c "import sys; sys.exit(0 if $deviation <= 15 else 1)" || { echo "MISS: balance $deviation % > 15 %"; failed=1; }
		((slow == 0)) || { echo "MISS: $slow of $SEQUENTIAL requests slower than 1 s with a frozen worker"; failed=1; }
		python3 -c "import sys; sys.exit(0 if $during >= 0.5 * $steady else 1)" || { echo "MISS: throughput during the freeze below half the steady one"; failed=1; }
	fi
done
echo "targets (shared-queue): balance within 15 %, 0 of $SEQUENTIAL slower than 1 s, frozen/steady >= 0.5"
exit $failed
