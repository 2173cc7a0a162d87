#!/usr/bin/env bash
# Installs whatever the build, the service and the tests need and this machine lacks: Debian packages
# through apt-get, JavaScript test dependencies through `npm ci`. Safe to run again: it only acts on
# what is missing. `scripts/deps.sh bench` adds what only `make bench` needs (Janus, the server measured next
# to ours).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libboost1.81-dev libssl-dev libsqlite3-dev libpq-dev postgresql libhiredis-dev redis-server libjwt-dev libcurl4-openssl-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev libgtest-dev libsrtp2-dev
  libopus-dev libspeexdsp-dev libavformat-dev ffmpeg prometheus-cpp-dev libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us libespeak-ng-dev
  flite openssl iproute2 util-linux wrk curl bc chromium firefox-esr coturn
)
[ "${1:-}" = bench ] && packages+=(janus)
# Node.js may come from elsewhere than Debian (with npm bundled); only ask apt for it when it is absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lock file changed since the last install.
if [ -f package-lock.json ]; then
  stamp=node_modules/.rooms-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
