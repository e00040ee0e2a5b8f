#!/usr/bin/env bash
# Far more workers than processors: WORKERS workers (16) with a start-up timeout of TIMEOUT (60s),
# started in waves of cluster.startup-concurrency (the default: one per processor) and, side by
# side, all at once (concurrency = WORKERS, which is how every worker was started before the
# waves). Prints, for each, the seconds until every worker listened (or "never" within LIMIT
# seconds) and how many workers were killed for not listening in time. Target for the waves:
# all workers up, none killed; the script exits 1 when it misses.
#
#   benchmarks/oversubscribed.sh
#   WORKERS=32 TIMEOUT=120s LIMIT=600 benchmarks/oversubscribed.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); curl is installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

WORKERS=${WORKERS:-16}
TIMEOUT=${TIMEOUT:-60s}
LIMIT=${LIMIT:-360}
HEAP=${HEAP:-96m}
require_tools curl

# $1: label; $2: startup concurrency, or "" for the default. Prints "<seconds or never> <kills>".
measure() {
	local label=$1 concurrency=$2 port
	port=$(free_port)
	local args=(--server.port="$port" --cluster.workers="$WORKERS" --cluster.exec-argv=-Xmx"$HEAP"
		--cluster.startup-timeout="$TIMEOUT" --cluster.restart.max-failures=0)
	[[ -n $concurrency ]] && args+=(--cluster.startup-concurrency="$concurrency")
	java -jar "$JAR" "${args[@]}" >"/tmp/bench-$label.log" 2>&1 &
	server=$!
	local start=$SECONDS up=never
	while ((SECONDS - start < LIMIT)); do
		if grep -q "Cluster up" "/tmp/bench-$label.log"; then up=$((SECONDS - start)); break; fi
		sleep 1
	done
	local kills
	kills=$(grep -c "did not listen within" "/tmp/bench-$label.log" || true)
	stop_server
	echo "$up $kills"
}

read -r waves_up waves_kills < <(measure waves "")
read -r once_up once_kills < <(measure at-once "$WORKERS")

printf '%-34s %-12s %-8s %s\n' "$WORKERS workers on $(nproc) processors" "all up (s)" "killed" "target"
printf '%-34s %-12s %-8s %s\n' "in waves (startup-concurrency)" "$waves_up" "$waves_kills" "all up, 0 killed"
printf '%-34s %-12s %-8s %s\n' "all at once" "$once_up" "$once_kills" "(baseline)"
[[ $waves_up != never && $waves_kills == 0 ]] || { echo "MISSED: the waves did not bring every worker up cleanly" >&2; exit 1; }
