#!/usr/bin/env bash
# Re-resolves every project's packages and rewrites the committed lock files (each project's packages.lock.json and
# src/ReleaseFunctions/WorkerExtensions.packages.lock.json, the Functions SDK's generated extensions project).
# Run it after moving a pin in Directory.Packages.props (or a version in a csproj), then build, run scripts/test.sh and
# commit the changed lock files with the pin. Every other script restores in locked mode and fails on a stale lock.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 RestoreLockedMode=false
dotnet restore ReleaseFunctions.sln --force-evaluate -nologo -v:q
# The WorkerExtensions project is generated and restored by the Functions app's build; its lock is copied back after.
rm -rf src/ReleaseFunctions/obj/*/net10.0/WorkerExtensions src/ReleaseFunctions/WorkerExtensions.packages.lock.json
dotnet build src/ReleaseFunctions -nologo -v:q -clp:ErrorsOnly -p:RestorePackagesWithLockFile=true
git status --short -- '*packages.lock.json' || true
