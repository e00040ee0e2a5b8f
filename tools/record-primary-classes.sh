#!/usr/bin/env bash
# Records the classes a cluster primary loads over a whole life (start, status, scrape, SIGHUP
# rolling restart, a deploy, a failed deploy and its rollback, refused deploys, scaling, a crash
# replacement, SIGTERM) and writes them to the starter's preload list, after the hand-written
# header: cluster-autoconfigure/src/main/resources/META-INF/cluster-spring-boot/primary-classes.txt.
# Run it after upgrading Spring Boot, logging or Jackson. Needs the sample built:
#   ./mvnw -B -q -DskipTests install && tools/record-primary-classes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
list=cluster-autoconfigure/src/main/resources/META-INF/cluster-spring-boot/primary-classes.txt
source benchmarks/lib.sh # sample_release; its BENCH_TMP holds the releases and images
work=$BENCH_TMP
port=$(free_port)
primary=""
cleanup() {
	[[ -n $primary ]] && kill -9 "$primary" 2>/dev/null || true
	rm -rf "$BENCH_TMP"
}
trap cleanup EXIT

mkdir "$work/releases"
sample_release "$work/releases/app-1.jar" 1.0.0
sample_release "$work/releases/app-2.jar" 2.0.0
sample_release "$work/releases/app-3.jar" 3.0.0 sample.fail-at-startup=true

log=$work/out.log
java "-Xlog:class+load=info:file=$work/classes-%p.log" -jar "$work/releases/app-1.jar" --cluster.workers=2 \
	--server.port=$port "--cluster.deploy.directory=$work/releases" "--cluster.image.directory=$work/images" \
	--management.endpoint.cluster.access=unrestricted >"$log" 2>&1 &
primary=$!
wait_for() {
	for _ in $(seq 300); do grep -q "$1" "$log" && return 0; sleep 1; done
	echo "Timed out waiting for: $1" >&2
	exit 1
}
act() { curl -s -XPOST "localhost:$port/actuator/cluster" -H 'content-type: application/json' -d "$1" >/dev/null; }
wait_for "Cluster up"
curl -s "localhost:$port/actuator/cluster" >/dev/null
curl -s "localhost:$port/actuator/prometheus" >/dev/null
curl -s "localhost:$port/actuator/health" >/dev/null
kill -HUP $primary
wait_for "Rolling restart completed"
act '{"action":"deploy","artifact":"app-2.jar"}'
wait_for "Deploy of 2.0.0 .* completed"
act '{"action":"deploy","artifact":"app-3.jar"}'
wait_for "rolled back:"
act '{"action":"deploy","artifact":"../app-1.jar"}'
act '{"action":"deploy","artifact":"missing.jar"}'
act '{"action":"scale","workers":3}'
wait_for "Scaled the cluster from 2 to 3"
act '{"action":"scale","workers":2}'
victim=$(curl -s "localhost:$port/actuator/cluster" | python3 -c 'import json,sys; print(next(iter(json.load(sys.stdin)["workers"].values()))["pid"])')
kill -9 "$victim"
wait_for "exited with code 137"
sleep 15
kill -TERM $primary
wait_for "Cluster stopped"
wait $primary || true
primary_log=$work/classes-$primary.log
primary=""

header=$(sed '/^# --- recorded/,$d' "$list")
{
	echo "$header"
	echo "# --- recorded by tools/record-primary-classes.sh: the rest of a primary's classes, outside the JDK"
	# JDK classes come from the runtime image (jrt:/ or the JDK's own CDS archive), which no
	# rebuild touches; generated classes (lambdas, proxies, CGLIB) have no class file to read
	grep -v 'source: jrt:/\|shared objects file\|__JVM_LookupDefineClass__\|source: __' "$primary_log" |
		awk '{print $2}' | grep -v '\$\$\|^jdk\.proxy\|^io\.clusterstarter\.\|^org\.springframework\.boot\.loader\.' | sort -u
} >"$list.new"
mv "$list.new" "$list"
echo "Wrote $(grep -vc '^#' "$list") entries to $list"
