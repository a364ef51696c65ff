# shellcheck shell=bash
# Installs the pinned Azurite (tools/azurite/package.json + lock) into the repo and starts it on free loopback ports.
# Source this file; then: azurite_install; azurite_start DATA_DIR [blob queue table ports]; azurite_stop.
# Exports AZURITE_CONNECTION_STRING once started.

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AZURITE_DIR="$REPO_ROOT/tools/azurite"
# shellcheck source=process.sh
source "$REPO_ROOT/scripts/lib/process.sh"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

azurite_install() {
  if [ ! -x "$AZURITE_DIR/node_modules/.bin/azurite" ]; then
    command -v npm >/dev/null || { echo "npm (Node.js 20) is required to install Azurite" >&2; return 1; }
    echo "Installing pinned Azurite into tools/azurite ..." >&2
    (cd "$AZURITE_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# azurite_start DATA_DIR [BLOB QUEUE TABLE ports]; AZURITE_IN_MEMORY=1 keeps data in memory (tests).
azurite_start() {
  local data_dir=$1 blob=${2:-} queue=${3:-} table=${4:-} persistence=(--location "$1")
  [ "${AZURITE_IN_MEMORY:-0}" = 1 ] && persistence=(--inMemoryPersistence)
  blob=${blob:-$(free_port)}; queue=${queue:-$(free_port)}; table=${table:-$(free_port)}
  mkdir -p "$data_dir"
  "$AZURITE_DIR/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose --disableProductStyleUrl --disableTelemetry \
    "${persistence[@]}" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" >"$data_dir/azurite.log" 2>&1 &
  AZURITE_PID=$!
  export AZURITE_PID
  export AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  local i
  # Up to 60 s: Node.js starts slowly on a loaded machine (20 s was not always enough).
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$queue") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$blob") 2>/dev/null; then
      return 0
    fi
    kill -0 "$AZURITE_PID" 2>/dev/null || { echo "Azurite exited:" >&2; cat "$data_dir/azurite.log" >&2; return 1; }
    sleep 0.2
  done
  echo "Azurite did not open its ports" >&2
  return 1
}

azurite_stop() {
  # Azurite can take minutes to flush on SIGTERM; give it a few seconds, then end it.
  stop_pid "${AZURITE_PID:-}" 30
  AZURITE_PID=
}
