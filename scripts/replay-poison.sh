#!/usr/bin/env bash
# Moves the messages of the poison queue (pipeline-events-poison) back to pipeline-events, so the processor tries them
# again (after fixing whatever made them fail). Each message is sent to the queue before it is deleted from the poison
# queue, so none is lost if this stops half-way (at worst one is sent twice; the processor is idempotent).
#
#   scripts/replay-poison.sh [--queue NAME] [--max N] [--dry-run]
#
# Storage: AzureWebJobsStorage = a connection string (Azurite: the one run-local.sh prints), or
# AzureWebJobsStorage__accountName=NAME to use your Azure login (az login / managed identity), needing the
# "Storage Queue Data Contributor" role. It runs our small dotnet tool (tools/ReplayPoison) rather than the az CLI:
# az has no "move message", and the tool works the same against Azurite and Azure.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${1:-}" in -h|--help) sed -n '2,12p' "$0"; exit 0 ;; esac
if [ -z "${AzureWebJobsStorage:-}" ] && [ -z "${AzureWebJobsStorage__accountName:-}" ]; then
  echo "Set AzureWebJobsStorage (connection string) or AzureWebJobsStorage__accountName." >&2
  exit 1
fi
command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is required." >&2; exit 1; }
# shellcheck source=lib/tool.sh
source "$REPO_ROOT/scripts/lib/tool.sh"
run_tool ReplayPoison "$@"
