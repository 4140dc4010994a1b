#!/usr/bin/env bash
# Installs every Debian package TwinOps needs to build, run and test. Idempotent and quick when all is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql
  qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev libqt6opengl6-dev qtkeychain-qt6-dev libgl-dev
  libpq-dev libsqlite3-dev postgresql postgresql-contrib libsodium-dev
  # The password policy: libpwquality, and cracklib-runtime, which builds the dictionary it checks against
  # (libcrack2 only recommends it, and recommends are not installed).
  libpwquality-dev cracklib-runtime
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools
  fonts-dejavu-core
  # tst_serve: openssl makes the TLS test's certificate; promtool (in Debian's prometheus) checks /metrics.
  openssl prometheus
  # The format and static-analysis checks CI runs (scripts/format.sh, scripts/tidy.sh): version 14, pinned.
  clang-format-14 clang-tidy-14
  # sd_notify for twinopsd under systemd; the Debian packages (scripts/package.sh: dpkg-shlibdeps, file) and
  # their checks (scripts/check-packages.sh: lintian, desktop-file-validate, appstreamcli, systemd-analyze, man).
  libsystemd-dev dpkg-dev file lintian desktop-file-utils appstream systemd man-db groff-base
)
# Benchmarks only (wrk drives the HTTP endpoint, nginx is its ceiling, pgbench comes with postgresql-contrib).
if [ "${TWINOPS_SETUP_BENCH:-0}" = 1 ]; then packages+=(wrk nginx-light); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all packages present"
