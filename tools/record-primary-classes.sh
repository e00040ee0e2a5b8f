#!/usr/bin/env bash
# Records the classes a cluster primary loads over a whole life (start, status, scrape, SIGHUP
# rolling restart, a deploy, a failed deploy and its rollback, refused deploys, scaling, a crash
# replacement, every command of the command line, bad input on the control socket, stop) and writes them to the starter's preload list, after the hand-written
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
export CLUSTER_CONTROL_DIRECTORY=$work/control
cli() { java -Djarmode=cluster -jar "$work/releases/app-1.jar" "$@" >/dev/null 2>&1 || true; }
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
cli status
cli status --json
cli logs -n 5
cli logs 1 --json
timeout 5 java -Djarmode=cluster -jar "$work/releases/app-1.jar" monit >/dev/null 2>&1 || true
timeout 5 java -Djarmode=cluster -jar "$work/releases/app-1.jar" logs -f >/dev/null 2>&1 || true
cli scale 3
cli scale 2
cli restart "$(curl -s "localhost:$port/actuator/cluster" | python3 -c 'import json,sys; print(next(iter(json.load(sys.stdin)["workers"].values()))["id"])')"
cli reload --json
cli deploy "$work/releases/app-3.jar"
cli deploy "$work/releases/missing.jar"
cli scale x
cli bogus
python3 - "$CLUSTER_CONTROL_DIRECTORY" <<'PY'
import glob, socket, sys
for request in (b"garbage\n", b"x" * 70000, b'{"args":[1]}\n'):
    s = socket.socket(socket.AF_UNIX)
    s.connect(glob.glob(sys.argv[1] + "/*.sock")[0])
    try:
        s.sendall(request); s.shutdown(socket.SHUT_WR)
        while s.recv(4096): pass
    except OSError: pass
    s.close()
PY
cli stop
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
