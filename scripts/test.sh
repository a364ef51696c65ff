#!/usr/bin/env bash
# Runs every test on a fresh machine with the .NET 10 SDK and Node.js 20: installs and starts what the tests need
# (pinned Azurite; further services from scripts/test-services.d/*.sh), builds, runs all test projects in parallel,
# stops everything, and prints as its last line: Tests: N passed, N failed, N skipped.
#   scripts/test.sh                                   every test project (what CI runs)
#   scripts/test.sh --project tests/X/X.csproj [ARGS] one project (the inner loop: builds only it); ARGS go to the runner,
#                                                     e.g. --filter-class 'Namespace.Class' or --filter-method '*Name*'
set -uo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO_ROOT
cd "$REPO_ROOT"
# shellcheck source=lib/azurite.sh
source scripts/lib/azurite.sh

summary() { echo "Tests: $1 passed, $2 failed, $3 skipped"; }

# One run at a time in a checkout: a second one would delete this one's directory and stop its Azurite under its tests.
# A pid file, not a lock held open (the services started below would inherit a lock's descriptor and outlive the run).
mkdir -p "$REPO_ROOT/.local"
PID_FILE="$REPO_ROOT/.local/test-run.pid"
if other=$(cat "$PID_FILE" 2>/dev/null) && [ -n "$other" ] && [ "$other" != "$$" ] && kill -0 "$other" 2>/dev/null \
  && tr '\0' ' ' < "/proc/$other/cmdline" 2>/dev/null | grep -q 'scripts/test.sh'; then
  echo "Another scripts/test.sh (pid $other) is running in this checkout: it owns .local/test-run and its services. Wait for it, or test from another clone." >&2
  summary 0 1 0
  exit 2
fi
echo $$ > "$PID_FILE"

RUN_DIR="$REPO_ROOT/.local/test-run"
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export RestoreLockedMode=true   # restore exactly the committed packages.lock.json files (README, "Packages and lock files")
# No lingering build servers: they would hold the output pipe open long after the tests end. The solution's build below
# is the exception: it uses the compiler server (on 2 cores 38 s instead of 92 s, measured; README, "Tests") and shuts it
# down as soon as it has built.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false
# Every process here is short-lived (builds, test hosts, local hosts): dynamic PGO's instrumented code costs them more
# CPU than its optimisations give back (about 15 % of a test project's CPU time, measured; README, "Tests").
export DOTNET_TieredPGO=0
# Nor should an idle thread pool spin before it sleeps: with some thirty processes sharing two cores, a spinning worker
# only takes a core from another (an idle local host: about a quarter less CPU, measured; dotnet/runtime#66827).
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0
# Tests, and the hosts they start, run the Release build: in Debug the JIT leaves our code unoptimised, which cost a
# test project about a fifth more CPU and a local host's start about a sixth more (measured; README, "Tests").
CONFIGURATION=${TEST_CONFIGURATION:-Release}

build_target=ReleaseFunctions.sln
project=""
if [ "${1:-}" = --project ]; then
  [ -f "${2:-}" ] || { echo "--project needs a test project's path (tests/X/X.csproj)." >&2; summary 0 1 0; exit 2; }
  project=$2; build_target=$2
  shift 2
fi

# Each scripts/test-services.d/NAME.sh defines NAME_start and NAME_stop (NAME with '-' as '_').
services=()
for f in scripts/test-services.d/*.sh; do
  [ -e "$f" ] || continue
  # shellcheck disable=SC1090
  source "$f"
  services+=("$(basename "$f" .sh | tr '-' '_')")
done

cleanup() {
  local s
  for s in "${services[@]}"; do "${s}_stop" >/dev/null 2>&1 || true; done
  azurite_stop
  if [ "$(cat "$PID_FILE" 2>/dev/null)" = "$$" ]; then rm -f "$PID_FILE"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is required." >&2; summary 0 1 0; exit 1; }

# What a fresh clone or machine lacks (Azurite's npm packages, smtp4dev, Chromium: each pinned, each a no-op once there) is
# installed while the solution builds, not before or after it: on a first run, as in CI, that is the installs' time saved.
install_tools() {
  azurite_install || return 1
  local s
  for s in "${services[@]}"; do
    if declare -F "${s}_install" >/dev/null; then "${s}_install" "$RUN_DIR" || return 1; fi
  done
}
install_tools >"$RUN_DIR/install.log" 2>&1 &
install_pid=$!

echo "== build" >&2
dotnet build "$build_target" -c "$CONFIGURATION" -p:UseSharedCompilation=true -nologo -v:q -clp:ErrorsOnly >"$RUN_DIR/build.log" 2>&1
built=$?
dotnet build-server shutdown >>"$RUN_DIR/build.log" 2>&1
wait "$install_pid"
installed=$?
cat "$RUN_DIR/install.log" >&2
if [ "$installed" -ne 0 ]; then
  echo "Installing the test tools failed (above)." >&2
  summary 0 1 0
  exit 1
fi
if [ "$built" -ne 0 ]; then
  cat "$RUN_DIR/build.log" >&2
  echo "Build failed." >&2
  summary 0 1 0
  exit 1
fi
# The solution's build built the tools too (tools/*): their stamps say so, so the scripts the tests run (scripts/lib/tool.sh)
# start them at once instead of building them again beside the tests.
export TOOL_CONFIGURATION=$CONFIGURATION
if [ -z "$project" ]; then
  mkdir -p .local/tools
  for t in tools/*/*.csproj; do touch ".local/tools/$(basename "$t" .csproj).$CONFIGURATION.built"; done
fi

echo "== services" >&2
AZURITE_IN_MEMORY=1 azurite_start "$RUN_DIR/azurite" || { summary 0 1 0; exit 1; }
for s in "${services[@]}"; do
  "${s}_start" "$RUN_DIR" || { echo "Could not start test service $s." >&2; summary 0 1 0; exit 1; }
done

echo "== test" >&2
# The test processes and the local hosts they start live for seconds to minutes, some thirty of them on two cores
# (the build above and the services keep .NET's defaults). For them, measured with ReleaseManagement.Approvals.Tests
# alone (80 tests, in-process engines, local hosts, Chromium): 99 s of CPU with the defaults, 71 s with both settings.
# - No tiering-up by call counts: a method stays at its first, quickly compiled code (loops still move up, by on-stack
#   replacement), and no background thread recompiles the hot ones again in every new process (an idle local host's
#   first 10 s: 0.3 s of CPU instead of 0.9 to 1.5 s).
# - Workstation GC: the local host is a web app, whose default is the server GC, a heap and a GC thread per core in
#   every process.
export DOTNET_TC_CallCounting=0 DOTNET_gcServer=0
# No .NET process of the tests watches its configuration files: each host builder's reload-on-change opened an inotify
# instance (a local host two, each in-process Durable engine one), and all processes of a user share a limit of 128 on
# Linux by default. With more test classes at a time a run reached it, and the tests starting a host then failed ("The configured
# user limit (128) on the number of inotify instances has been reached"). Nothing in the tests changes a file they read.
export DOTNET_hostBuilder__reloadConfigOnChange=false
# The tests, and the hosts and browsers they start, run at a lower priority than the services they share (Azurite,
# smtp4dev): on a busy machine every test waits on storage, so storage answers first (README, "Tests").
timed=()
run_tests() { "${timed[@]}" nice -n "${TEST_NICENESS:-10}" dotnet test "$@" --no-build --no-progress --report-xunit-trx --results-directory "$RUN_DIR/results"; }
# The sum of "NAME: N" over a module's (or the run's) summary lines.
count() { grep -hE "^\s+$1: [0-9]+" "${@:2}" 2>/dev/null | grep -oE '[0-9]+' | awk '{ n += $1 } END { print n + 0 }'; }
if [ -n "$project" ]; then
  run_tests --project "$project" -c "$CONFIGURATION" "$@" 2>&1 | tee "$RUN_DIR/test.log"
  status=${PIPESTATUS[0]}
  logs=("$RUN_DIR/test.log")
else
  # Every test project's module, run side by side, TEST_MODULES_IN_PARALLEL at a time (most of their time is waiting:
  # durable timers, hosts, a browser). The longest start first (tests/modules.order), so the run ends when they do rather
  # than when the last one started late ends; a project the file does not name runs after them (README, "Tests").
  mapfile -t order < <(grep -vE '^\s*(#|$)' tests/modules.order)
  mapfile -t all < <(for f in tests/*/*.csproj; do basename "$f" .csproj; done)
  modules=()
  for m in "${order[@]}" "${all[@]}"; do
    [ -f "tests/$m/$m.csproj" ] || continue
    [[ " ${modules[*]} " == *" $m "* ]] || modules+=("$m")
  done
  mkdir -p "$RUN_DIR/modules"
  logs=(); running=()
  for m in "${modules[@]}"; do
    # The modules still running (the services started above are jobs of this shell too: not counted, not waited for).
    while :; do
      alive=()
      for pid in "${running[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
      running=("${alive[@]}")
      [ "${#running[@]}" -lt "${TEST_MODULES_IN_PARALLEL:-4}" ] && break
      sleep 1
    done
    echo "Running tests from $m" | tee -a "$RUN_DIR/test.log"
    logs+=("$RUN_DIR/modules/$m.log")
    # Each module's wall and CPU time (its test host and every process it started and waited for) in modules/NAME.time:
    # on two cores the suite's length is set by the CPU it needs, not by its waits (README, "Tests").
    timed=(); [ -x /usr/bin/time ] && timed=(/usr/bin/time -f "%e s wall, %U s user, %S s system" -o "$RUN_DIR/modules/$m.time")
    ( run_tests --test-modules "tests/$m/bin/$CONFIGURATION/net10.0/$m.dll" "$@" >"$RUN_DIR/modules/$m.log" 2>&1
      echo $? >"$RUN_DIR/modules/$m.rc"
      grep -vE '^\s*$' "$RUN_DIR/modules/$m.log" | grep -vE '^(Test run summary|\s+(total|failed|succeeded|skipped|duration):|\s+In process file artifacts produced:|\s+- .*\.trx$)' | tee -a "$RUN_DIR/test.log" ) &
    running+=($!)
  done
  for pid in "${running[@]}"; do wait "$pid"; done
  status=0
  for m in "${modules[@]}"; do
    [ -f "$RUN_DIR/modules/$m.time" ] && echo "$m: $(tail -1 "$RUN_DIR/modules/$m.time")" >>"$RUN_DIR/times.log"
    rc=$(cat "$RUN_DIR/modules/$m.rc" 2>/dev/null)
    # 8: no test ran; a project none of whose tests a filter selects is no failure (the run as a whole must run some).
    [ "$rc" = 0 ] || { [ "$rc" = 8 ] && [[ " $* " == *" --filter"* ]]; } || { status=1; echo "$m did not pass (log: $RUN_DIR/modules/$m.log)" | tee -a "$RUN_DIR/test.log"; }
  done
fi

[ -f "$RUN_DIR/times.log" ] && { echo "== time per test project" >&2; cat "$RUN_DIR/times.log" >&2; }
# Each failed test by name with the start of its message, near the end: a CI log that keeps only a run's tail still says what failed.
for trx in "$RUN_DIR"/results/*.trx; do
  [ -f "$trx" ] || continue
  tr '\n' ' ' <"$trx" | grep -oE '<UnitTestResult [^>]*outcome="Failed"[^>]*>(<[A-Za-z]+>)*<Message>[^<]{0,400}' \
    | sed -E 's/^.*testName="([^"]*)".*<Message>(.*)$/FAILED \1: \2/' >&2 || true
done
total=$(count total "${logs[@]}"); failed=$(count failed "${logs[@]}"); passed=$(count succeeded "${logs[@]}"); skipped=$(count skipped "${logs[@]}")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$total" -eq 0 ]; then echo "No test ran." >&2; status=1; fi
summary "$passed" "$failed" "$skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
