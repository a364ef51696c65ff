# shellcheck shell=bash
# Headless Chromium for the browser tests: Debian's package, installed when /usr/bin/chromium is missing.
# Exports CHROMIUM_PATH. Nothing keeps running, so chromium_stop has nothing to do. scripts/test.sh calls chromium_install
# while it builds; chromium_start installs it too when it is still missing.

# chromium_install RUN_DIR: apt-get's output goes to RUN_DIR/chromium-install.log.
chromium_install() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "Chromium is missing and cannot be installed here (needs root and apt-get); browser tests will fail." >&2
    return 0
  fi
  echo "Installing Debian's chromium ..." >&2
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$1/chromium-install.log" 2>&1 \
    || { cat "$1/chromium-install.log" >&2; return 1; }
}

chromium_start() {
  chromium_install "$1" || return 1
  export CHROMIUM_PATH=/usr/bin/chromium
}

chromium_stop() { :; }
