#!/bin/sh
# Install the Debian packages flinktop needs to build, demo and test.
# As root: apt-get installs what is missing. Otherwise: print the exact line and fail.
PKGS="gcc make pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev libyaml-dev \
libmicrohttpd-dev libcmocka-dev tmux bats curl openssl python3 time prometheus python3-yaml python3-kubernetes nghttp2-proxy zlib1g-dev jq ${EXTRA_PKGS:-}"

missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || exit 1
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
    exit 0
fi
echo "deps: missing Debian packages. Install them with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
