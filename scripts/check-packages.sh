#!/usr/bin/env bash
# Checks the packages scripts/package.sh made: lintian (no error), the console's desktop entry and AppStream
# metadata, twinopsd's dependencies (no GUI library), then installs twinopsd on this machine (as root), checks what
# an operator gets (the binary, the unit with systemd-analyze, the conffile, the man page, the completion, the
# system user, the binary run as that user on a state directory) and purges it again, leaving the machine as it
# found it.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-packages: $*" >&2; exit 1; }
daemon=$(echo build/packages/twinopsd_*.deb)
console=$(echo build/packages/twinops_*.deb)
[ -f "$daemon" ] && [ -f "$console" ] || fail "no packages in build/packages: run scripts/package.sh first"
version=$(dpkg-deb -f "$daemon" Version)

echo "== lintian"
# Errors fail; warnings and the rest are printed.
lintian_status=0
lintian --fail-on error --display-info "$daemon" "$console" || lintian_status=$?
[ "$lintian_status" = 0 ] || fail "lintian found errors (above)"

echo "== the console's desktop entry and AppStream metadata"
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$console" "$unpacked"
desktop-file-validate "$unpacked"/usr/share/applications/org.twinops.console.desktop
appstreamcli validate --no-net "$unpacked"/usr/share/metainfo/org.twinops.console.metainfo.xml

echo "== twinopsd depends on no GUI library"
depends=$(dpkg-deb -f "$daemon" Depends)
echo "$depends"
if grep -Eq 'libqt6(gui|widgets|charts|opengl)|libgl' <<<"$depends"; then fail "twinopsd depends on a GUI library"; fi

echo "== dpkg -i twinopsd, check, dpkg --purge"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if dpkg-query -W -f='${Status}' twinopsd 2>/dev/null | grep -q installed; then
  fail "twinopsd is installed already; this check installs and purges it"
fi
user_existed=0
getent passwd twinops >/dev/null && user_existed=1
cleanup() {
  $sudo dpkg --purge twinopsd >/dev/null 2>&1 || true
  # Debian leaves a package's system user behind on purge; this check made it, so it removes it.
  if [ "$user_existed" = 0 ] && getent passwd twinops >/dev/null; then
    $sudo userdel twinops
    if getent group twinops >/dev/null; then $sudo groupdel twinops; fi
  fi
  rm -rf "$unpacked"
  [ -z "${state:-}" ] || $sudo rm -rf "$state"
}
trap cleanup EXIT
$sudo dpkg -i "$daemon" >/dev/null

[ "$(/usr/bin/twinopsd --version)" = "twinopsd $version" ] || fail "twinopsd --version: not $version"
unit=/lib/systemd/system/twinopsd.service
[ -f "$unit" ] || fail "no $unit"
# A warning (an unknown key, say) is not an error to systemd-analyze: any output fails here.
verified=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $verified"
[ -z "$verified" ] || fail "systemd-analyze verify: $verified"
dpkg-query -W -f='${Conffiles}\n' twinopsd | grep -q '^ /etc/twinops/twinopsd.conf ' ||
  fail "/etc/twinops/twinopsd.conf is not a conffile"
[ "$(stat -c %a /etc/twinops/twinopsd.conf)" = 644 ] || fail "twinopsd.conf is not mode 0644"
man -w twinopsd | grep -q '/usr/share/man/man1/twinopsd.1.gz$' || fail "man -w twinopsd: $(man -w twinopsd 2>&1)"
# man's own check of the page, as lintian does it: any warning fails
warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l /usr/share/man/man1/twinopsd.1.gz 2>&1 >/dev/null)
[ -z "$warnings" ] || fail "man twinopsd warns: $warnings"
bash -c 'source /usr/share/bash-completion/completions/twinopsd && complete -p twinopsd' >/dev/null ||
  fail "the bash completion does not load"
[ "$(getent passwd twinops | cut -d: -f7)" = /usr/sbin/nologin ] || fail "no system user twinops without a login"
# The installed binary, as the service runs it: the system user, its state in $STATE_DIRECTORY.
state=$(mktemp -d)
$sudo chown twinops:twinops "$state"
$sudo runuser -u twinops -- env -u TWINOPS_DATABASE_URL STATE_DIRECTORY="$state" /usr/bin/twinopsd migrate >/dev/null ||
  fail "twinopsd migrate as the twinops user failed"
$sudo test -f "$state/twinops.db" || fail "twinopsd migrate made no twinops.db in \$STATE_DIRECTORY"

$sudo dpkg --purge twinopsd >/dev/null
[ ! -e /usr/bin/twinopsd ] && [ ! -e /etc/twinops ] && [ ! -e "$unit" ] || fail "dpkg --purge left files behind"
echo "check-packages: $(basename "$daemon") and $(basename "$console") pass"
