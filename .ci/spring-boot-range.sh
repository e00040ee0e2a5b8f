#!/usr/bin/env bash
# Keeps the README's supported Spring Boot range true. The starter is compiled against the oldest
# release of the range; here the sample is built, as a user's project would be (the starter as
# installed, Spring Boot's parent at the release), against the oldest and the newest release of the
# range, and SampleApplicationJarIT runs against each jar: a cluster of two, health with its
# details, info, the cluster endpoint, the merged scrape, a rolling restart from the command line
# and cluster.enabled=false. A Spring Boot 3 application must be refused at start with the failure
# report. The newest release runs on Java 25 as well, where the workers accept from the primary's
# one queue. Needs the starter installed (./mvnw install) and the sample's test classes compiled.
set -euo pipefail
cd "$(dirname "$0")/.."

OLDEST=4.0.0
NEWEST=4.1.2
OUTSIDE=3.5.7

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT


# SampleApplicationJarIT against a sample built on Spring Boot $1, run by the JDK in $2 (default: this one)
run_sample() {
	local version=$1 jdk=${2:-} project="$work/boot-$1"
	echo "spring-boot-range: the sample on Spring Boot $version${jdk:+ on $jdk}"
	[[ -f $project/target/app.jar ]] || {
		python3 .ci/boot-project.py "$version" "$project"
		./mvnw -B -q --no-transfer-progress -f "$project/pom.xml" -DskipTests package
	}
	JAVA_HOME=${jdk:-${JAVA_HOME:-}} ./mvnw -B -q --no-transfer-progress -pl sample-app failsafe:integration-test failsafe:verify \
		-Dit.test=SampleApplicationJarIT -Dsample.jar="$project/target/app.jar" \
		-Dexpected.spring-boot.version="$version" \
		-Dfailsafe.reports="$PWD/sample-app/target/failsafe-reports-boot-$version${jdk:+-$(basename "$jdk")}"
}

for version in ${RANGE_ONLY:-"$OLDEST" "$NEWEST"}; do
	run_sample "$version"
done
# Java 22+ takes the shared accept queue (the servers' own classes for an inherited socket): the
# newest release on it too, when the machine has Temurin 25
JDK_25=${JDK_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [[ -x $JDK_25/bin/java ]]; then
	run_sample "$NEWEST" "$JDK_25"
else
	echo "spring-boot-range: no JDK in $JDK_25; Spring Boot $NEWEST with the shared queue not run"
fi

echo "spring-boot-range: an application on Spring Boot $OUTSIDE must be refused"
outside="$work/boot-$OUTSIDE"
python3 .ci/boot-project.py "$OUTSIDE" "$outside" minimal
./mvnw -B -q --no-transfer-progress -f "$outside/pom.xml" -DskipTests package
set +e
timeout 120 java -jar "$outside/target/app.jar" --server.port=0 > "$outside/run.log" 2>&1
status=$?
set -e
expected="This application runs on Spring Boot $OUTSIDE, but cluster-spring-boot-starter"
if [[ $status -ne 1 ]] || ! grep -q "APPLICATION FAILED TO START" "$outside/run.log" || ! grep -qF "$expected" "$outside/run.log"; then
	echo "FAIL: Spring Boot $OUTSIDE was not refused with the failure report (exit $status):" >&2
	cat "$outside/run.log" >&2
	exit 1
fi
echo "spring-boot-range: Spring Boot $OUTSIDE refused at start with the failure report"
echo "spring-boot-range: $OLDEST and $NEWEST passed"
