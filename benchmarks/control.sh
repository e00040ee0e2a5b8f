#!/usr/bin/env bash
# How fast the command line answers, against the floor of a JVM that starts the same jar and does
# nothing, side by side in one run (alternating, median of ROUNDS), with a cluster of 2 running:
#   floor          java -Djarmode=none -jar app.jar     (the launcher starts, says "Unsupported jarmode")
#   status         java -Djarmode=cluster -jar app.jar status
#   status --json  the same, as JSON
# Targets: status under 1 s, and no more than 0.3 s above the floor. Exits 1 when one is missed.
#
#   benchmarks/control.sh                                              # the java on the PATH
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/control.sh  # another JDK
#   ROUNDS=20 benchmarks/control.sh
#
# Needs: a built sample (./mvnw -B -q -DskipTests package); curl and python3 (apt-get installs
# them when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

ROUNDS=${ROUNDS:-10}
require_tools curl python3
echo "JVM: $("$JAVA" -version 2>&1 | head -1); $(nproc) processors; $ROUNDS rounds"

# The cluster's control socket in this run's directory, found by the client through the same variable
export CLUSTER_CONTROL_DIRECTORY=$BENCH_TMP/control
port=$(free_port)
start_server control "$port" 2 --cluster.workers=2
sleep "${SETTLE:-5}" # let the workers' start-up work finish: the client is timed, not their JIT

# Seconds one command takes, wall clock; the expected exit status is checked
timed() {
	local expect=$1; shift
	local start end status=0
	start=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || status=$?
	end=$(date +%s.%N)
	if ((status != expect)); then
		echo "'$*' exited $status, not $expect" >&2
		exit 1
	fi
	python3 -c "print(round($end - $start, 3))"
}

floor=() status=() json=()
for ((i = 0; i < ROUNDS; i++)); do
	floor+=("$(timed 1 "$JAVA" -Djarmode=none -jar "$JAR")")
	status+=("$(timed 0 "$JAVA" -Djarmode=cluster -jar "$JAR" status)")
	json+=("$(timed 0 "$JAVA" -Djarmode=cluster -jar "$JAR" status --json)")
done
f=$(median "${floor[@]}") s=$(median "${status[@]}") j=$(median "${json[@]}")
above=$(python3 -c "print(round($s - $f, 3))")
stop_server

missed=0
line() { # label, value, target text, python condition
	local verdict=met
	python3 -c "import sys; sys.exit(0 if $4 else 1)" || { verdict=MISSED; missed=1; }
	printf '%-34s %8s s   target %-22s %s\n' "$1" "$2" "$3" "$verdict"
}
printf '%-34s %8s s\n' "floor (-Djarmode=none)" "$f"
line "status" "$s" "< 1.0 s" "$s < 1.0"
line "status above the floor" "$above" "<= 0.3 s" "$above <= 0.3"
line "status --json" "$j" "< 1.0 s" "$j < 1.0"
exit $missed
