#!/bin/sh
# deps.sh: install the Debian packages Hospes needs; does nothing when they
# are all present (so `make test` and `make demo` can call it every time).
set -e
PKGS="build-essential pkg-config binutils libcriterion-dev jq libuv1-dev libjson-c-dev xenstore-utils clang liburing-dev fio iproute2 iputils-ping"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
