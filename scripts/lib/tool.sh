# shellcheck shell=bash
# run_tool NAME [ARGS...]: builds tools/NAME (restoring exactly the committed lock files) and runs it with ARGS in place
# of this shell. Builds of one clone take turns (flock on .local/tools-build.lock, where flock exists): two tools run at
# once, or a tool run beside the tests, share src/ projects and must not rebuild them under each other. When the build
# is up to date (after the solution's build) it writes nothing and takes seconds. A build that succeeded leaves a stamp
# (.local/tools/NAME.built); while no source, project, props or lock file of src/, tools/NAME or the root is newer than
# the stamp, the next run skips the build (a script run several times in a row starts at once). TOOL_CONFIGURATION
# (default Debug) is the build configuration; scripts/test.sh sets its own, whose solution build has built the tools
# already and left their stamps, so no test run builds a tool again beside the tests.
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
  local configuration=${TOOL_CONFIGURATION:-Debug}
  local stamp="$root/.local/tools/$name.$configuration.built" dll="$root/tools/$name/bin/$configuration/net10.0/$name.dll"
  if [ ! -f "$stamp" ] || [ ! -f "$dll" ] || [ -n "$(tool_inputs_newer_than "$root" "$name" "$stamp")" ]; then
    mkdir -p "$root/.local/tools"
    rm -f "$stamp"
    dotnet build "$root/tools/$name" -c "$configuration" -nologo -v:q -clp:ErrorsOnly >&2 || return 1
    touch "$stamp"
  fi
  if command -v flock >/dev/null; then
    flock -u 9
    exec 9>&-
  fi
  exec dotnet "$dll" "$@"
}

# Prints the first input of tools/NAME's build that is newer than FILE (nothing when the build is up to date).
tool_inputs_newer_than() {
  local root=$1 name=$2 file=$3
  find "$root/src" "$root/tools/$name" "$root"/Directory.*.props "$root"/Directory.*.targets "$root"/global.json "$root"/NuGet.config "$root"/nuget.config \
    \( -name bin -o -name obj \) -prune -o -type f -newer "$file" -print 2>/dev/null | head -n 1
}
