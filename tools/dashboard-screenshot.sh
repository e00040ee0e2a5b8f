#!/usr/bin/env bash
# Takes docs/dashboard.png, the README's picture of the dashboard: the sample on 2 workers with
# write access on, under a varying load for about three minutes, with one worker killed (its exit
# is called out, its replacement appears), seen by headless Chromium at 1280 px.
#   ./mvnw -B -q -DskipTests install && tools/dashboard-screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh # start_server, sample_release; BENCH_TMP is removed at exit
require_tools wrk chromium curl python3
port=$(free_port)
url=http://127.0.0.1:$port

mkdir "$BENCH_TMP/releases"
sample_release "$BENCH_TMP/releases/sample-1.1.0.jar" 1.1.0
start_server dashboard "$port" 2 --cluster.workers=2 --cluster.stats.interval=1s --cluster.stats.history=6m \
	--management.endpoint.cluster.access=unrestricted "--cluster.deploy.directory=$BENCH_TMP/releases"

load() { wrk -t"$1" -c"$2" -d"$3" "$url/" >/dev/null; }
load 1 2 40s
load 2 8 40s
victim=$(curl -s "$url/actuator/cluster" | python3 -c 'import json, sys; print(min(w["pid"] for w in json.load(sys.stdin)["workers"].values()))')
kill -9 "$victim"
load 1 4 60s
until [[ $(curl -s "$url/actuator/cluster" | grep -o '"listening"' | wc -l) -ge 2 ]]; do sleep 1; done
sleep 3

profile=$BENCH_TMP/chromium
TMPDIR=$BENCH_TMP chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync "--user-data-dir=$profile" --hide-scrollbars --window-size=1280,1450 \
	--virtual-time-budget=8000 --screenshot=docs/dashboard.png "$url/actuator/clusterdashboard" 2>/dev/null
stop_server
echo "docs/dashboard.png written"
