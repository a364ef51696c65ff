#!/usr/bin/env bash
# Imports pipeline event history so DORA figures start from day one (docs/import.md): a JSON Lines file of CDEvents
# (CloudEvents envelopes, as the CDEvents webhook receives them) or of canonical events, or a CSV of deployments
# (system,environment,time,outcome,release,merged-at). Every line goes through the webhook path's normalization,
# correlation and deduplication: a second import of the same file adds nothing, and an event already received by webhook
# is a duplicate. Rolled-up metric days the history changes are marked stale and recomputed on the next read.
#
#   scripts/import-history.sh FILE [--format jsonl|csv] [--dry-run] [--parallel N]
#
# Prints a progress bar, then a summary (imported, duplicates, refused lines with their reasons); exits 3 when lines
# were refused (the others are imported), 1 when storage failed (run it again: nothing is imported twice).
# Storage: AzureWebJobsStorage = a connection string (Azurite: the one run-local.sh prints), or
# AzureWebJobsStorage__accountName=NAME to use your Azure login, needing "Storage Table Data Contributor". The policy's
# time zone comes from Policy__Path (default config/release-policy.json), correlation from Webhooks__Correlation__*.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${1:-}" in -h|--help|"") sed -n '2,17p' "$0"; exit 0 ;; esac
if [ -z "${AzureWebJobsStorage:-}" ] && [ -z "${AzureWebJobsStorage__accountName:-}" ]; then
  echo "Set AzureWebJobsStorage (connection string) or AzureWebJobsStorage__accountName." >&2
  exit 1
fi
command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is required." >&2; exit 1; }
if [ -z "${Policy__Path:-}" ] && [ -f "$REPO_ROOT/config/release-policy.json" ]; then
  export Policy__Path="$REPO_ROOT/config/release-policy.json"
fi
# Events of a release are audited like the webhooks' (docs/api.md, "Audit trail"), so the import seals audit rows with the
# app's key: in Azure pass Audit__SigningKeyId and Audit__SigningKeys__<id> (the vault item audit-signing-key-k1).
# Against Azurite the local host's development key is used unless you set one.
if [ -z "${Audit__SigningKeyId:-}" ]; then
  case "${AzureWebJobsStorage:-}" in
    *devstoreaccount1*|UseDevelopmentStorage=true*)
      export Audit__SigningKeyId=development
      export Audit__SigningKeys__development="bG9jYWwtZGV2ZWxvcG1lbnQtb25seS1hdWRpdC1rZXktMDAwMDAwMDAwMDA="   # LocalHostApplication's
      ;;
    *) echo "Set Audit__SigningKeyId and Audit__SigningKeys__<id> (the app's audit key, Key Vault item audit-signing-key-k1)." >&2; exit 1 ;;
  esac
fi
# shellcheck source=lib/tool.sh
source "$REPO_ROOT/scripts/lib/tool.sh"
run_tool ImportHistory "$@"
