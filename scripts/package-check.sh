#!/usr/bin/env bash
# Builds the .deb and proves it installs and runs on a fresh Debian 12 root:
#   1. scripts/quickstart.sh build      build dependencies, then the build in ${PVADMIN_BUILD_DIR:-build}
#   2. cpack -G DEB                     pvadmin_<version>_amd64.deb in the build folder
#   3. ../shared/tools/fresh-machine    in a brand-new Debian 12 chroot: apt-get installs the .deb (with no
#                                       recommended packages, so its Depends alone must be enough), then the
#                                       installed /usr/bin/pvadmin runs a headless demo and opens its window
#                                       on Xvfb; the manual page, completion, doc files and metadata are checked.
# Needs root (fresh-machine uses chroot and mount): exits 2 without it, and non-zero when any step fails.
# Usage: scripts/package-check.sh
set -euo pipefail

step() { echo; echo "== $*"; }
fail() { echo "package-check: FAILED: $*" >&2; exit 1; }

# Run inside the fresh root as: package-check.sh --in-root DEB
in_root() {
    local deb=$1 work
    work=$(mktemp -d)
    cd "$work"
    export DEBIAN_FRONTEND=noninteractive
    step "apt-get install $(basename "$deb"), with its Depends only"
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "$deb" >apt.log || { cat apt.log; fail "apt-get install"; }
    grep -E 'newly installed|^Setting up pvadmin' apt.log
    dpkg-query -W -f='Depends: ${Depends}\n' pvadmin
    [[ $(command -v pvadmin) == /usr/bin/pvadmin ]] || fail "pvadmin is not /usr/bin/pvadmin"

    step "every library of the binary and of its run-time Qt plugins resolves"
    local plugins=/usr/lib/x86_64-linux-gnu/qt6/plugins f
    for f in /usr/bin/pvadmin $plugins/sqldrivers/libqsqlite.so $plugins/sqldrivers/libqsqlpsql.so $plugins/platforms/libqxcb.so \
             $plugins/xcbglintegrations/libqxcb-glx-integration.so $plugins/imageformats/libqsvg.so \
             $plugins/iconengines/libqsvgicon.so; do
        [[ -f $f ]] || fail "$f is not installed"
        ! ldd "$f" | grep 'not found' || fail "$f has unresolved libraries"
        echo "ok  $f"
    done
    local fonts
    fonts=$(fc-list : family | sort -u | paste -sd, -)
    [[ -n $fonts ]] || fail "no font installed"
    echo "ok  fonts: $fonts"

    step "headless demo with the installed pvadmin"
    set -x
    pvadmin --version
    pvadmin generate --out extracts --users 2000 --days 2 --pageviews-per-hour 500
    pvadmin --db warehouse.sqlite load extracts/users_extract_*.csv
    pvadmin --db warehouse.sqlite load extracts/pageviews_*.csv | tail -n 2
    pvadmin --db warehouse.sqlite check
    pvadmin --db warehouse.sqlite report --basis at-time --grain day --output report.csv
    sed -n 1,4p report.csv
    pvadmin --db warehouse.sqlite runs | tail -n 3
    { set +x; } 2>/dev/null
    # A user whose postcode differs between the two snapshots.
    local mover
    mover=$(awk -F, 'FNR > 1 { if (FILENAME == ARGV[1]) was[$1] = $2; else if ($1 in was && was[$1] != $2) { print $1; exit } }' \
            extracts/users_extract_*.csv)
    set -x
    pvadmin --db warehouse.sqlite history "$mover"
    pvadmin help report
    { set +x; } 2>/dev/null

    step "test tools, not pvadmin dependencies: man-db bash-completion xvfb xauth x11-utils desktop-file-utils appstream"
    apt-get install -y -q --no-install-recommends man-db bash-completion xvfb xauth x11-utils \
        desktop-file-utils appstream >apt.log || { cat apt.log; fail "apt-get install of the test tools"; }

    step "manual page, completion, doc files, desktop entry and AppStream metadata"
    MANWIDTH=90 man -P cat pvadmin >man.txt
    sed -n 1,12p man.txt
    local offered
    offered=$(bash -c 'source /usr/share/bash-completion/bash_completion
        source /usr/share/bash-completion/completions/pvadmin
        COMP_WORDS=(pvadmin report --basis ""); COMP_CWORD=3; _pvadmin; echo "${COMPREPLY[*]}"')
    [[ $offered == "current at-time" ]] || fail "completion of report --basis offered '$offered'"
    echo "ok  completion: pvadmin report --basis <TAB> offers: $offered"
    grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
        /usr/share/doc/pvadmin/copyright || fail "no DEP-5 /usr/share/doc/pvadmin/copyright"
    echo "ok  /usr/share/doc/pvadmin/copyright, $(grep -m1 '^License:' /usr/share/doc/pvadmin/copyright)"
    zgrep -q '^0\.1\.0' /usr/share/doc/pvadmin/changelog.gz || fail "changelog.gz does not name 0.1.0"
    echo "ok  /usr/share/doc/pvadmin/changelog.gz"
    grep -q '^ExecStart=/usr/bin/pvadmin watch ' /usr/lib/systemd/user/pvadmin-watch.service \
        || fail "no systemd user unit running /usr/bin/pvadmin watch"
    echo "ok  /usr/lib/systemd/user/pvadmin-watch.service"
    [[ -f /usr/share/icons/hicolor/scalable/apps/pvadmin.svg ]] || fail "no icon"
    desktop-file-validate /usr/share/applications/pvadmin.desktop
    echo "ok  desktop-file-validate /usr/share/applications/pvadmin.desktop"
    # The id is the desktop file's name, pvadmin, not a reverse domain name: the project has no domain.
    appstreamcli validate --no-net --override=cid-desktopapp-is-not-rdns=info /usr/share/metainfo/pvadmin.metainfo.xml

    step "the desktop app's window on Xvfb, through the xcb platform plugin"
    # shellcheck disable=SC2016 # the inner script expands its own variables
    QT_QPA_PLATFORM=xcb xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
        pvadmin --db warehouse.sqlite 2>gui.log & pid=$!
        for _ in $(seq 100); do
            window=$(xwininfo -root -tree | grep -m1 "Pageview Warehouse Admin") && break
            kill -0 $pid 2>/dev/null || break
            sleep 0.1
        done
        read -r id _ <<<"$window"
        [[ -n $id ]] && echo "window $window" && xwininfo -id "$id" | grep -E "Width|Height|Map State"
        kill $pid; wait $pid
        [[ -n $id ]]' || { cat gui.log; fail "the window did not come up"; }
    echo "-- what the GUI wrote on stderr:"; cat gui.log
    ! grep -iE 'plugin|driver|font' gui.log || fail "the GUI complained about a plugin, driver or fonts"
    echo; echo "package-check: every check passed on the fresh root"
}

if [[ ${1:-} == --in-root ]]; then
    in_root "$2"
    exit
fi

root=$(cd "$(dirname "$0")/.." && pwd)
build=${PVADMIN_BUILD_DIR:-$root/build}
fresh=$root/../shared/tools/fresh-machine
if [[ $(id -u) -ne 0 ]]; then
    echo "package-check: needs root: $fresh runs the install in a chroot" >&2
    exit 2
fi
[[ -x $fresh ]] || { echo "package-check: $fresh not found" >&2; exit 2; }

step "build (scripts/quickstart.sh build)"
"$root/scripts/quickstart.sh" build

step "cpack: the .deb"
rm -f "$build"/pvadmin_*.deb
(cd "$build" && cpack -G DEB)
deb=$(echo "$build"/pvadmin_*_amd64.deb)
[[ -f $deb ]] || fail "cpack made no pvadmin_*_amd64.deb"
dpkg-deb --field "$deb" Package Version Architecture Depends
dpkg-deb --contents "$deb" | awk '{ print $1, $6 }' | grep -v '/$'

# fresh-machine bind-mounts this machine's /dev into the root, so a folder under /dev/shm is how the .deb
# (and this script, as it is in the working tree) get in; the folder is removed afterwards.
share=$(mktemp -d /dev/shm/pvadmin-package.XXXXXX)
trap 'rm -rf "$share"' EXIT
chmod 755 "$share"
cp "$deb" "$root/scripts/package-check.sh" "$share/"
step "on a fresh Debian 12 root: install and run $(basename "$deb")"
(cd "$root" && "$fresh" "bash $share/package-check.sh --in-root $share/$(basename "$deb")")
