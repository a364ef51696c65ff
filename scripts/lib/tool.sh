# shellcheck shell=bash
# run_tool NAME [ARGS...]: builds tools/NAME (restoring exactly the committed lock files) and runs it with ARGS in place
# of this shell. Builds of one clone take turns (flock on .local/tools-build.lock, where flock exists): two tools run at
# once, or a tool run beside the tests, share src/ projects and must not rebuild them under each other. When the build
# is up to date (after the solution's build) it writes nothing and takes seconds.
run_tool() {
  local name=$1 root
  shift
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  export RestoreLockedMode=true   # restore exactly the committed packages.lock.json files (README, "Packages and lock files")
  mkdir -p "$root/.local"
  if command -v flock >/dev/null; then
    exec 9>"$root/.local/tools-build.lock"
    flock 9
  fi
  dotnet build "$root/tools/$name" -nologo -v:q -clp:ErrorsOnly >&2 || return 1
  if command -v flock >/dev/null; then
    flock -u 9
    exec 9>&-
  fi
  exec dotnet "$root/tools/$name/bin/Debug/net10.0/$name.dll" "$@"
}
