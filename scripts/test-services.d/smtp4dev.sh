# shellcheck shell=bash
# A real SMTP server for the approval email tests: smtp4dev (pinned .NET tool) installed into tools/smtp4dev (ignored),
# started on free loopback ports with an in-memory database and its own settings folder.
# Exports SMTP4DEV_SMTP_PORT (SMTP, no TLS) and SMTP4DEV_API_URL (web/REST base; GET $SMTP4DEV_API_URL/api/messages).

SMTP4DEV_VERSION=3.15.0
SMTP4DEV_ROOT="${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
SMTP4DEV_DIR="$SMTP4DEV_ROOT/tools/smtp4dev"
# shellcheck source=../lib/process.sh
source "$SMTP4DEV_ROOT/scripts/lib/process.sh"

smtp4dev_install() {
  if [ ! -x "$SMTP4DEV_DIR/smtp4dev" ] || ! grep -qs "$SMTP4DEV_VERSION" "$SMTP4DEV_DIR/.version"; then
    echo "Installing smtp4dev $SMTP4DEV_VERSION into tools/smtp4dev ..." >&2
    rm -rf "$SMTP4DEV_DIR"
    dotnet tool install --tool-path "$SMTP4DEV_DIR" Rnwood.Smtp4dev --version "$SMTP4DEV_VERSION" >&2 || return 1
    echo "$SMTP4DEV_VERSION" >"$SMTP4DEV_DIR/.version"
  fi
}

_smtp4dev_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# smtp4dev_start RUN_DIR
smtp4dev_start() {
  smtp4dev_install || return 1
  local dir="$1/smtp4dev" smtp web i
  rm -rf "$dir"; mkdir -p "$dir/appdata"
  smtp=$(_smtp4dev_free_port); web=$(_smtp4dev_free_port)
  # --db= (empty) keeps messages in memory; --baseappdatapath keeps its settings out of the user's profile.
  XDG_CONFIG_HOME="$dir/appdata" "$SMTP4DEV_DIR/smtp4dev" --nousersettings --baseappdatapath="$dir/appdata" --db= \
    --hostname=localhost --smtpport="$smtp" --imapport= --pop3port= --tlsmode=None --urls="http://127.0.0.1:$web" \
    --messagestokeep=1000 >"$dir/smtp4dev.log" 2>&1 &
  SMTP4DEV_PID=$!
  export SMTP4DEV_PID SMTP4DEV_SMTP_PORT=$smtp SMTP4DEV_API_URL="http://127.0.0.1:$web"
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$smtp") 2>/dev/null && curl -fsS "$SMTP4DEV_API_URL/api/messages" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$SMTP4DEV_PID" 2>/dev/null || { echo "smtp4dev exited:" >&2; cat "$dir/smtp4dev.log" >&2; return 1; }
    sleep 0.2
  done
  echo "smtp4dev did not open its ports" >&2
  cat "$dir/smtp4dev.log" >&2
  return 1
}

smtp4dev_stop() {
  stop_pid "${SMTP4DEV_PID:-}" 50
  SMTP4DEV_PID=
}
