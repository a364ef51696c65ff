#!/usr/bin/env bash
# Runs the ingestion and lifecycle benchmarks in sequence against a fresh in-memory Azurite, for a quiet machine:
#   bench/run.sh                      Ingestion 1000 8, then Lifecycle 50 500
#   bench/run.sh "500 4" "50 200"     other arguments (quoted, one string per benchmark)
#   bench/run.sh scale                the scale benchmarks (storage operations, not time), each printing its RATIO lines:
#                                     Admission 10,100,1000 (RATIO admission-ops-1000-vs-10)
#                                     Lifecycle 10 50 ops=1 (RATIO lifecycle-ops-50-vs-10, lifecycle-history-rows-50-vs-10;
#                                     its build also builds the local host it starts, through the counting storage proxy)
#                                     History 100 100 45 5 (RATIO history-pages-p95-vs-raw; 5 to 10 minutes on 2 loaded cores)
# Output: the console and .local/bench/<time>.txt (with the machine's load average before and after each).
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO_ROOT DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export RestoreLockedMode=true   # restore exactly the committed packages.lock.json files (README, "Packages and lock files")
cd "$REPO_ROOT"
# shellcheck source=../scripts/lib/azurite.sh
source scripts/lib/azurite.sh

# The scale mode: one benchmark per line of scale_benchmarks ("Project arguments"); append a line to add one.
scale_benchmarks=(
  "Admission 10,100,1000 3"
  "Lifecycle 10 50 ops=1 poll=500 wait-poll=2000 limit=600"
  "History 100 100 45 5"  # samples, events %, seconds of samples a page at most (at least 3), years
)

if [[ ${1:-} == scale ]]; then
  mkdir -p .local/bench
  out=".local/bench/scale-$(date -u +%Y%m%dT%H%M%SZ).txt"
  for benchmark in "${scale_benchmarks[@]}"; do
    dotnet build "bench/${benchmark%% *}" -c Release -v:q -clp:ErrorsOnly
  done
  azurite_install
  trap azurite_stop EXIT
  AZURITE_IN_MEMORY=1 azurite_start .local/bench-azurite
  {
    echo "== $(date -u) $(nproc) cores, scale benchmarks"
    for benchmark in "${scale_benchmarks[@]}"; do
      name=${benchmark%% *}
      echo "== $benchmark"
      # shellcheck disable=SC2086
      dotnet "bench/$name/bin/Release/net10.0/$name.dll" ${benchmark#* } || echo "== $name failed: exit $?"
    done
  } 2>&1 | tee "$out"
  echo "Written to $out"
  exit 0
fi

ingestion_args=${1:-"1000 8"}
lifecycle_args=${2:-"50 500"}
mkdir -p .local/bench
out=".local/bench/$(date -u +%Y%m%dT%H%M%SZ).txt"

dotnet build bench/Ingestion -c Release -v:q -clp:ErrorsOnly
dotnet build bench/Lifecycle -c Release -v:q -clp:ErrorsOnly   # also builds the local host it starts

azurite_install
trap azurite_stop EXIT
AZURITE_IN_MEMORY=1 azurite_start .local/bench-azurite

{
  echo "== $(date -u) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== Ingestion $ingestion_args"
  # shellcheck disable=SC2086
  dotnet bench/Ingestion/bin/Release/net10.0/Ingestion.dll $ingestion_args || echo "== Ingestion failed: exit $?"
  echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== Lifecycle $lifecycle_args"
  # shellcheck disable=SC2086
  dotnet bench/Lifecycle/bin/Release/net10.0/Lifecycle.dll $lifecycle_args || echo "== Lifecycle failed: exit $?"
  echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
echo "Written to $out"
