#!/usr/bin/env bash
# Runs the backend locally: pinned Azurite (data under .local/azurite) and the local host on http://localhost:7071.
#   scripts/run-local.sh          the local host (ASP.NET Core; same routes, handlers and orchestrations)
#   scripts/run-local.sh --func   the real Functions host (needs Azure Functions Core Tools 'func' on the PATH)
#   scripts/run-local.sh --demo   the local host with the demo policy (config/release-policy.demo.json: a validation and a
#                                 watch of seconds, not a day), for scripts/demo.sh and the dashboard's pipeline simulator
# Ctrl-C stops both.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO_ROOT
cd "$REPO_ROOT"
# shellcheck source=lib/azurite.sh
source scripts/lib/azurite.sh

mode=local
demo=
case "${1:-}" in
  --func) mode=func ;;
  --demo) demo=1 ;;
  "") ;;
  -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
  *) echo "Unknown option '$1' (use --func, --demo or nothing)." >&2; exit 2 ;;
esac

command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is required." >&2; exit 1; }
export RestoreLockedMode=true   # restore exactly the committed packages.lock.json files (README, "Packages and lock files")
if [ "$mode" = func ] && ! command -v func >/dev/null; then
  echo "'func' (Azure Functions Core Tools) is not on the PATH; run without --func to use the local host." >&2
  exit 1
fi

azurite_install
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_free 10000 && port_free 10001 && port_free 10002; then
  azurite_start "$REPO_ROOT/.local/azurite" 10000 10001 10002
else
  azurite_start "$REPO_ROOT/.local/azurite"
fi
child=
cleanup() {
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null || true; fi
  azurite_stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export AzureWebJobsStorage="$AZURITE_CONNECTION_STRING"
export TaskHubName="${TaskHubName:-ReleaseFunctionsLocal}"
# Development webhook secrets (one file, scripts/lib/dev-webhook-secrets.env), each unless already set.
while IFS='=' read -r key value; do
  case "$key" in ''|\#*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done <scripts/lib/dev-webhook-secrets.env
# The release policy: config/release-policy.json when there is one, else the example (the built-in policy plus example
# people for every role, so README's first request needs no approvers), unless Policy__Path is set.
if [ -z "${Policy__Path:-}" ] && [ -n "$demo" ]; then
  export Policy__Path="$REPO_ROOT/config/release-policy.demo.json"
elif [ -z "${Policy__Path:-}" ]; then
  if [ -f config/release-policy.json ]; then export Policy__Path="$REPO_ROOT/config/release-policy.json"
  else export Policy__Path="$REPO_ROOT/config/release-policy.example.json"; fi
fi
echo "Policy:       $Policy__Path  (dev sign-in as one of its people: http://localhost:7071/api/dashboard/sign-in)"
echo "Azurite:      $AZURITE_CONNECTION_STRING"
echo "Webhooks:     development secrets: CDEvents '$Webhooks__CDEvents__Secrets__dev', GitHub '$Webhooks__GitHub__Secrets__dev',"
echo "              Azure DevOps password '$Webhooks__AzureDevOps__Secrets__dev' + header X-Release-Webhook-Key: '$Webhooks__AzureDevOps__HeaderValues__0'"
echo "API:          http://localhost:7071/api  (try GET http://localhost:7071/api/health)"
echo "Mailbox:      http://localhost:7071/dev/mailbox  (approval emails, local host only)"
echo "Dashboard:    http://localhost:7071/  (a release's page has a pipeline simulator here)"
[ -z "$demo" ] || echo "Demo:         in another terminal: scripts/demo.sh  (a Hotfix to Completed, a Minor to its production window)"

if [ "$mode" = func ]; then
  [ -f src/ReleaseFunctions/local.settings.json ] || cp local.settings.example.json src/ReleaseFunctions/local.settings.json
  (cd src/ReleaseFunctions && func start --port 7071) &
else
  dotnet build src/ReleaseFunctions.LocalHost -nologo -v:q -clp:ErrorsOnly
  dotnet src/ReleaseFunctions.LocalHost/bin/Debug/net10.0/ReleaseFunctions.LocalHost.dll --urls http://localhost:7071 &
fi
child=$!
wait "$child"
