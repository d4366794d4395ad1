#!/bin/sh
# One-time setup on Debian/Ubuntu: the system packages Gatehouse and its tests use, Node 24 LTS
# from the npm registry's node@24 package when the machine's Node is too old (into .tools/, so
# nothing of the system's is replaced), then `npm ci`. Safe to run again.
set -eu
cd "$(dirname "$0")/.."

# keytar and bufferutil build against libsecret with a compiler; the keychain needs D-Bus and
# GNOME Keyring; browser tests Chromium; test certificates openssl; the benchmark nginx and wrk.
PACKAGES="libsecret-1-dev gnome-keyring dbus chromium build-essential python3 openssl nginx-light wrk"

say() { printf '[setup] %s\n' "$*"; }

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null; then
    say "not Debian/Ubuntu: install the equivalents of:$missing"
  else
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    say "installing:$missing"
    $SUDO apt-get update -qq
    # Keep nginx from starting as a service on port 80 while it installs.
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d && made_policy=1
    fi
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
    [ "$made_policy" -eq 0 ] || $SUDO rm -f /usr/sbin/policy-rc.d
  fi
fi

# Node: the machine's if it strips TypeScript types (>= 22.18), else Node 24 in .tools/node.
node_ok() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null; }
TOOLS="$PWD/.tools/node"
if command -v node >/dev/null && node_ok node; then
  say "using the machine's node $(node -v)"
  home="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  # node-gyp must not try to download headers where only the registries are reachable.
  [ -f "$home/include/node/node.h" ] && export npm_config_nodedir="$home"
else
  if ! [ -x "$TOOLS/node_modules/node/bin/node" ] || ! node_ok "$TOOLS/node_modules/node/bin/node"; then
    say "node $(node -v 2>/dev/null || echo missing) is too old; installing node@24 into .tools/node"
    mkdir -p "$TOOLS"
    # npm 11 runs install scripts only where a package.json allows them; node's preinstall
    # is what puts the binary in place.
    echo '{ "private": true, "allowScripts": { "node": true } }' >"$TOOLS/package.json"
    npm install --prefix "$TOOLS" --no-audit --no-fund node@24 >/dev/null
  fi
  PATH="$TOOLS/node_modules/node/bin:$PATH"
  export PATH
  for d in "$TOOLS"/node_modules/node/node_modules/node-*; do
    [ -f "$d/include/node/node.h" ] && export npm_config_nodedir="$d"
  done
  say "using node $(node -v) from .tools/node (npm start and npm test find it themselves)"
fi

say "npm ci"
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
say "done: npm start runs the app, npm test the tests"
