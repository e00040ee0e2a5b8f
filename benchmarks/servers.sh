#!/usr/bin/env bash
# Rolls and a deploy under load on every embedded server, with net.ipv4.tcp_migrate_req=0 (the
# default, and all that Kubernetes allows): for Tomcat, Jetty and Reactor Netty builds of the
# sample, benchmarks/rolling-restart.sh (3 rolling restarts under wrk) and benchmarks/deploy.sh
# (v1 -> v2 -> a v3 that fails and is rolled back, under wrk), one after the other, then one table.
# The cluster runs in its default balancing mode for the JVM (the shared queue on Java 22+).
# Target: 0 socket errors and 0 non-2xx answers on all three servers. Exits 1 when one is missed.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/servers.sh
#   SERVERS="netty" benchmarks/servers.sh
#   BOOT=4.1.2 JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/servers.sh
#
# Builds the Jetty and the Reactor Netty sample with Maven (-Pjetty, -Pnetty) into a temporary
# directory, then the default sample again; with BOOT, builds the sample for each server as a
# user's project on that Spring Boot release instead (.ci/boot-project.py, the starter as
# installed: run ./mvnw install first). Needs wrk and curl (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

SERVERS=${SERVERS:-tomcat jetty netty}
jars=$BENCH_TMP/jars
mkdir -p "$jars"

# The sample built for a server: the default build for Tomcat, a profile for the others
build() {
	local server=$1
	case $server in
		tomcat) ./mvnw -B -q -DskipTests -pl sample-app -am clean package >/dev/null
			cp sample-app/target/sample-app.jar "$jars/tomcat.jar" ;;
		jetty|netty) ./mvnw -B -q -DskipTests -pl sample-app "-P$server" clean package >/dev/null
			cp "sample-app/target/sample-app-$server.jar" "$jars/$server.jar" ;;
		*) echo "Unknown server '$server' (tomcat, jetty, netty)" >&2; exit 2 ;;
	esac
}
# The sample for a server as a user's project on Spring Boot $BOOT
build_on_boot() {
	local server=$1 project="$BENCH_TMP/boot-$1"
	python3 .ci/boot-project.py "$BOOT" "$project" "sample$([[ $server == tomcat ]] || echo "-$server")"
	./mvnw -B -q -f "$project/pom.xml" -DskipTests package >/dev/null
	cp "$project/target/app.jar" "$jars/$server.jar"
}
if [[ -n ${BOOT:-} ]]; then
	for server in $SERVERS; do build_on_boot "$server"; done
else
	for server in $SERVERS; do [[ $server == tomcat ]] || build "$server"; done
	build tomcat # last, so that sample-app.jar is the default build again
fi

results=() failed=0
for server in $SERVERS; do
	args=""
	[[ $server == netty ]] && args="--spring.main.web-application-type=reactive"
	echo "== $server"
	roll=$(JAR="$jars/$server.jar" APP_ARGS="$args" MIGRATE_VALUES=0 benchmarks/rolling-restart.sh | tee -a /dev/stderr | grep '^tcp_migrate_req=0:' || true)
	deploy_status=0
	JAR="$jars/$server.jar" APP_ARGS="$args" MIGRATE_VALUES=0 benchmarks/deploy.sh >&2 || deploy_status=$?
	errors=$(grep -o 'Socket errors:[^,]*, [^,]*, [^,]*, [^,]*' <<<"$roll" || echo "Socket errors: none")
	non2xx=$(sed -n 's/.*non-2xx \([0-9]*\).*/\1/p' <<<"$roll")
	roll_ok=1
	[[ -n $roll && $errors == "Socket errors: none" && ${non2xx:-0} == 0 ]] || roll_ok=0
	results+=("$(printf '%-7s rolls: %s, non-2xx %s (%s) | deploy: %s' "$server" "$errors" "${non2xx:-?}" \
		"$( ((roll_ok)) && echo met || echo MISSED)" "$( ((deploy_status == 0)) && echo met || echo MISSED)")")
	((roll_ok && deploy_status == 0)) || failed=1
done
echo
echo "JVM: $("$JAVA" -version 2>&1 | head -1); Spring Boot: ${BOOT:-as the sample builds it}; tcp_migrate_req=0; target: 0 socket errors, 0 non-2xx on every server"
printf '%s\n' "${results[@]}"
exit $failed
