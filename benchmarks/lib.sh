# Shared by the benchmark scripts: tools, ports, and starting and stopping the sample app.
# Source it from a script that has cd'ed to the repository root.

JAR=${JAR:-sample-app/target/sample-app.jar}
# The JVM under test: JAVA_HOME's when set, else java on the PATH
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
# Worker images made during a benchmark go here, removed at exit, not into the user's cache
BENCH_TMP=$(mktemp -d /tmp/bench-XXXXXX)

# Install the named tools with apt-get when any is missing.
require_tools() {
	local missing=()
	for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
	if ((${#missing[@]})); then
		echo "Installing ${missing[*]}" >&2
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
	[[ -f $JAR ]] || { echo "No $JAR: run ./mvnw -B -q -DskipTests package first" >&2; exit 1; }
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
descendants() { local p=$1; for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do echo "$c"; descendants "$c"; done; }
rss_mb() { local total=0; for p in "$@"; do total=$((total + $(ps -o rss= -p "$p" 2>/dev/null || echo 0))); done; echo $((total / 1024)); }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

server=""
stop_server() {
	if [[ -n $server ]]; then
		kill -TERM "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
		server=""
	fi
}
kill_server() { [[ -n $server ]] && kill -9 $server $(descendants "$server") 2>/dev/null || true; }
trap 'kill_server; rm -rf "$BENCH_TMP"' EXIT

# $1: label (names the log file); $2: port; $3: workers to wait for (0 for a plain JVM);
# remaining: arguments for the application, after APP_ARGS (for every application of a run:
# APP_ARGS=--spring.main.web-application-type=reactive for the WebFlux build). Sets $server to the pid.
start_server() {
	local label=$1 port=$2 workers=$3; shift 3
	# shellcheck disable=SC2086 # APP_ARGS holds several arguments
	"$JAVA" -jar "$JAR" --server.port="$port" --cluster.image.directory="$BENCH_TMP/images" ${APP_ARGS:-} "$@" \
		>"/tmp/bench-$label.log" 2>&1 &
	server=$!
	local end=$((SECONDS + 120))
	until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
		((SECONDS < end)) || { echo "$label did not start; see /tmp/bench-$label.log" >&2; exit 1; }
		sleep 0.5
	done
	if ((workers > 0)); then # wait for every worker, not just the first
		until [[ $(curl -s "http://127.0.0.1:$port/actuator/cluster" | grep -o '"listening"' | wc -l) -ge $workers ]]; do
			((SECONDS < end)) || { echo "$label: workers did not start; see /tmp/bench-$label.log" >&2; exit 1; }
			sleep 0.5
		done
	fi
}

# Another release of the sample, from $JAR: $1 the jar to write, $2 its Implementation-Version,
# then lines for its own application.properties (sample.fail-at-startup=true makes a release that
# fails at start-up). Uses the JDK's jar tool, which keeps the nested jars stored.
sample_release() {
	local target=$1 version=$2; shift 2
	local work; work=$(mktemp -d "$BENCH_TMP/release-XXXXXX")
	cp "$JAR" "$target"
	printf 'Implementation-Version: %s\n' "$version" >"$work/manifest"
	local files=()
	if (($#)); then
		mkdir -p "$work/BOOT-INF/classes"
		printf '%s\n' "$@" >"$work/BOOT-INF/classes/application.properties"
		files=(BOOT-INF/classes/application.properties)
	fi
	(cd "$work" && jar --update --file "$target" --manifest manifest "${files[@]}" 2>/dev/null)
	rm -rf "$work"
}

# Socket errors plus non-2xx answers in a wrk output (wrk prints each line only when there are any)
wrk_bad() { awk '/Socket errors:/ {gsub(/[^0-9]+/, " "); for (i = 1; i <= NF; i++) n += $i} /Non-2xx/ {n += $NF}
	END {print n + 0}' "$1"; }

# Give the starter inside release $1 the Implementation-Version $2, as a build with another
# starter would have: its nested jar is rewritten and stored again uncompressed.
starter_version() {
	local target=$1 version=$2 work nested
	work=$(mktemp -d "$BENCH_TMP/starter-XXXXXX")
	nested=$(unzip -Z1 "$target" | grep '^BOOT-INF/lib/cluster-autoconfigure-.*\.jar$')
	(cd "$work" && unzip -q "$target" "$nested" && printf 'Implementation-Version: %s\n' "$version" >manifest \
		&& jar --update --file "$nested" --manifest manifest 2>/dev/null \
		&& jar --update --no-compress --file "$target" "$nested" 2>/dev/null)
	rm -rf "$work"
}

# As root, net.ipv4.tcp_migrate_req=1: a reuse-port cluster (Java 17 to 21) needs it to lose
# nothing when a worker's listener closes. Prints nothing; $sysctl_file names it for the figures.
sysctl_file=/proc/sys/net/ipv4/tcp_migrate_req
migrate_requests() { if [[ -w $sysctl_file ]]; then echo 1 >"$sysctl_file"; fi; }
