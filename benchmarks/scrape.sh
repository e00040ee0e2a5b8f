#!/usr/bin/env bash
# Cost of the cluster-wide Prometheus scrape: GET /actuator/prometheus on the shared port of a
# cluster of 2 and of 4 workers (every worker's meters, merged by the primary), side by side with
# the same scrape of one plain JVM (its own meters only). Prints the median and 95th percentile
# time per scrape, the size, and the ratio to the plain JVM.
#
#   benchmarks/scrape.sh                     # 200 scrapes per run, 2 and 4 workers
#   SCRAPES=500 WORKER_COUNTS="2 4 8" benchmarks/scrape.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); curl and bc are installed with
# apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

SCRAPES=${SCRAPES:-200}
WORKER_COUNTS=${WORKER_COUNTS:-2 4}

require_tools curl bc

# $1: label; $2: workers (0: plain JVM); remaining: arguments. Prints "median_ms p95_ms bytes series".
measure() {
	local label=$1 workers=$2; shift 2
	local port; port=$(free_port)
	start_server "$label" "$port" "$workers" "$@"
	local url="http://127.0.0.1:$port/actuator/prometheus"
	for _ in $(seq 1 20); do curl -sf -o /dev/null "$url"; done # warm-up
	local times=()
	for _ in $(seq 1 "$SCRAPES"); do
		times+=("$(curl -sf -o /dev/null -w '%{time_total}' "$url")")
	done
	local body; body=$(curl -sf "$url")
	stop_server
	local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -g)
	local p95; p95=$(awk -v n="$SCRAPES" 'NR == int(n * 0.95 + 0.5) {print}' <<<"$sorted")
	printf '%.2f %.2f %d %d\n' "$(echo "$(median "${times[@]}") * 1000" | bc -l)" "$(echo "$p95 * 1000" | bc -l)" \
		"${#body}" "$(grep -vc '^#' <<<"$body")"
}

echo "machine: $(nproc) cpus, $(uname -r), $(java -version 2>&1 | head -1)"
echo "$SCRAPES sequential scrapes per run, after 20 warm-up scrapes"
read -r base_median base_p95 base_bytes base_series < <(measure plain 0 --cluster.enabled=false)
printf '%-10s median %7.2f ms  p95 %7.2f ms  %7d bytes  %5d series\n' plain "$base_median" "$base_p95" "$base_bytes" "$base_series"
for workers in $WORKER_COUNTS; do
	read -r median_ms p95_ms bytes series < <(measure "cluster-$workers" "$workers" --cluster.workers="$workers")
	printf '%-10s median %7.2f ms  p95 %7.2f ms  %7d bytes  %5d series  | %.2fx the plain scrape\n' \
		"$workers workers" "$median_ms" "$p95_ms" "$bytes" "$series" "$(echo "$median_ms / $base_median" | bc -l)"
done
