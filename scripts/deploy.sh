#!/usr/bin/env bash
# Deploys ReleaseFunctions to Azure: infrastructure (infra/main.bicep with infra/env/<environment>.bicepparam), then
# the published Functions app (zip deploy; on Flex Consumption the Azure CLI uses One Deploy), then a smoke check of
# GET /api/health. See docs/deployment.md.
#
#   scripts/deploy.sh <environment> [options]
#     --resource-group NAME   resource group (default: $RELEASES_RESOURCE_GROUP, else rg-relfn-<environment>)
#     --location REGION       region used when the resource group is created (default: $RELEASES_LOCATION, else swedencentral)
#     --what-if               show what the infrastructure deployment would change, and stop
#     --skip-infra            deploy only the app (for example to roll back to an earlier package)
#     --package ZIP           deploy this package instead of publishing the working tree (rollback)
#     -h, --help              this help
#   Environment: RELEASES_AUTH_CLIENT_ID (required: Entra ID app registration for App Service authentication),
#   RELEASES_ALERT_EMAILS (comma-separated), RELEASES_OPERATOR_PRINCIPAL_ID (default: the signed-in user).
set -euo pipefail

# Builtins only until the prerequisites are checked, so the refusal works on a bare PATH.
script_dir=${BASH_SOURCE[0]%/*}
[ "$script_dir" = "${BASH_SOURCE[0]}" ] && script_dir=.
REPO_ROOT=$(cd "$script_dir/.." && pwd)

usage() {
  local line first=1
  while IFS= read -r line; do
    [ "$first" -eq 1 ] && { first=0; continue; }
    [[ "$line" == '#'* ]] || break
    line=${line#\#}; echo "${line# }"
  done <"$REPO_ROOT/scripts/deploy.sh"
}
fail() { echo "deploy: $*" >&2; exit 2; }
refuse() { echo "deploy: $*" >&2; exit 3; }
log() { echo "== $*" >&2; }

environment=
resource_group=${RELEASES_RESOURCE_GROUP:-}
location=${RELEASES_LOCATION:-swedencentral}
what_if=0
skip_infra=0
package=
while [ $# -gt 0 ]; do
  case "$1" in
    --resource-group) [ $# -ge 2 ] || fail "--resource-group needs a name."; resource_group=$2; shift 2 ;;
    --location) [ $# -ge 2 ] || fail "--location needs a region."; location=$2; shift 2 ;;
    --what-if) what_if=1; shift ;;
    --skip-infra) skip_infra=1; shift ;;
    --package) [ $# -ge 2 ] || fail "--package needs a zip file."; package=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) fail "unknown option '$1' (see --help)." ;;
    *) [ -z "$environment" ] || fail "one environment only (got '$environment' and '$1')."; environment=$1; shift ;;
  esac
done
[ -n "$environment" ] || { usage >&2; fail "name the environment, for example: scripts/deploy.sh dev"; }
param_file="infra/env/$environment.bicepparam"
[ -f "$REPO_ROOT/$param_file" ] || fail "no parameter file $param_file for environment '$environment'."
[ -z "$package" ] || [ -f "$package" ] || fail "package '$package' does not exist."
resource_group=${resource_group:-rg-relfn-$environment}

# Prerequisites: the Azure CLI, signed in.
command -v az >/dev/null 2>&1 \
  || refuse "the Azure CLI 'az' is not installed or not on the PATH. Install it (https://aka.ms/azure-cli), run 'az login', and try again."
if ! account=$(az account show --query '[name, id]' -o tsv 2>/dev/null); then
  refuse "the Azure CLI is not signed in. Run 'az login' (and 'az account set --subscription <id>'), then try again."
fi
cd "$REPO_ROOT"
log "subscription: ${account//$'\n'/ } · resource group: $resource_group · environment: $environment"

guid='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
if [ "$skip_infra" -eq 0 ]; then
  [[ "${RELEASES_AUTH_CLIENT_ID:-}" =~ $guid ]] \
    || refuse "set RELEASES_AUTH_CLIENT_ID to the client id of the Entra ID app registration that signs users in (docs/deployment.md)."
  export RELEASES_AUTH_CLIENT_ID
  if [ -z "${RELEASES_OPERATOR_PRINCIPAL_ID:-}" ]; then
    RELEASES_OPERATOR_PRINCIPAL_ID=$(az ad signed-in-user show --query id -o tsv 2>/dev/null || true)
  fi
  export RELEASES_OPERATOR_PRINCIPAL_ID RELEASES_ALERT_EMAILS="${RELEASES_ALERT_EMAILS:-}"
fi

group_exists=$(az group exists --name "$resource_group" -o tsv)
deployment_name="releasefunctions-$environment"

if [ "$what_if" -eq 1 ]; then
  if [ "$group_exists" != true ]; then
    log "resource group $resource_group does not exist: a deployment would create it in $location and every resource in it."
    exit 0
  fi
  log "what-if: $param_file against $resource_group"
  az deployment group what-if --resource-group "$resource_group" --name "$deployment_name" --parameters "$param_file"
  exit 0
fi

if [ "$skip_infra" -eq 0 ]; then
  if [ "$group_exists" != true ]; then
    log "creating resource group $resource_group in $location"
    az group create --name "$resource_group" --location "$location" --tags system=ReleaseFunctions "environment=$environment" -o none
  fi
  log "infrastructure: $param_file"
  az deployment group create --resource-group "$resource_group" --name "$deployment_name" --parameters "$param_file" -o none
fi

output() {
  az deployment group show --resource-group "$resource_group" --name "$deployment_name" --query "properties.outputs.$1.value" -o tsv
}
app_name=$(output functionAppName)
app_url=$(output functionAppUrl)
vault=$(output keyVaultName)
[ -n "$app_name" ] || refuse "deployment '$deployment_name' in $resource_group has no function app output; deploy the infrastructure first."

# Secrets are set by operators, never by the template: say which are still missing.
while IFS= read -r item; do
  [ -n "$item" ] || continue
  if ! az keyvault secret show --vault-name "$vault" --name "$item" --query id -o tsv >/dev/null 2>&1; then
    echo "deploy: warning: Key Vault $vault has no secret '$item' yet; set it with:" >&2
    echo "  az keyvault secret set --vault-name $vault --name $item --value '<value>'" >&2
  fi
done < <(az deployment group show --resource-group "$resource_group" --name "$deployment_name" \
  --query 'properties.outputs.keyVaultItemNames.value[]' -o tsv)

if [ -z "$package" ]; then
  command -v dotnet >/dev/null 2>&1 || refuse "the .NET 10 SDK (dotnet) is needed to publish the app."
  command -v zip >/dev/null 2>&1 || refuse "'zip' is needed to package the app (apt-get install zip)."
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo nogit)
  out=".local/deployments/$environment"
  mkdir -p "$out"
  log "publishing src/ReleaseFunctions (Release)"
  rm -rf "$out/publish"
  dotnet publish src/ReleaseFunctions -c Release -o "$out/publish" -nologo -v:q
  package="$out/$stamp-$commit.zip"
  (cd "$out/publish" && zip -qr "../$stamp-$commit.zip" .)
  log "package: $package (keep it: --skip-infra --package $package rolls back to it)"
fi

log "deploying $package to $app_name"
az functionapp deployment source config-zip --resource-group "$resource_group" --name "$app_name" --src "$package" -o none

log "smoke check: GET $app_url/api/health"
for attempt in $(seq 1 "${RELEASES_SMOKE_ATTEMPTS:-18}"); do
  body=$(curl -fsS --max-time 10 "$app_url/api/health" 2>/dev/null || true)
  if [[ "$body" == *'"ok"'* ]]; then
    log "healthy after $attempt attempt(s): $body"
    exit 0
  fi
  sleep "${RELEASES_SMOKE_INTERVAL:-10}"
done
refuse "the app did not answer GET $app_url/api/health with status ok; check Application Insights and 'az functionapp log deployment show'."
