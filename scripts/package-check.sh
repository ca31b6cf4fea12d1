#!/usr/bin/env bash
# Builds the .deb and proves it installs and runs on a fresh Debian 12 root:
#   1. scripts/quickstart.sh build      build dependencies, then the build in ${PVADMIN_BUILD_DIR:-build}
#   2. cpack -G DEB                     pvadmin_<version>_amd64.deb in the build folder
#   3. a brand-new Debian 12 chroot     apt-get installs the .deb there (with no recommended packages, so its
#                                       Depends alone must be enough), then the installed /usr/bin/pvadmin runs a
#                                       headless demo and opens its window on Xvfb; the manual page, completion,
#                                       doc files and metadata are checked.
# The root of step 3 comes from ../shared/tools/fresh-machine when that tool is there (the project's own
# machine). Anywhere else (a plain clone) the script makes it itself: debootstrap --variant=minbase bookworm
# from the Debian mirror this machine's apt uses (debootstrap is installed with apt when missing), kept as a
# tarball in /var/tmp/pvadmin-package-root so that later runs only unpack it. Each run unpacks a copy, mounts
# /proc, /sys and /dev in it, and on the way out (success, failure or Ctrl-C) ends the processes left in it,
# unmounts it and removes it. Downloaded .deb files are kept in that folder too; delete it to start afresh.
# Needs root (chroot and mount), a Debian mirror on the network and about 1 GB free in /var/tmp.
# Exit status: 2 without root, non-zero when any step fails, 0 when every check passed.
# Environment:
#   PVADMIN_BUILD_DIR=DIR   the build folder (default: build)
#   PVADMIN_OWN_ROOT=1      make the root here even when ../shared/tools/fresh-machine exists
#   PVADMIN_MIRROR=URL      the Debian mirror of the root (default: this machine's apt mirror, else deb.debian.org)
# Usage: sudo scripts/package-check.sh
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
    echo "package-check: needs root: the package is installed in a chroot (chroot and mount); run: sudo $0" >&2
    exit 2
fi
use_fresh=0
[[ ${PVADMIN_OWN_ROOT:-} != 1 && -x $fresh ]] && use_fresh=1

# --- The fresh root this script makes when ../shared/tools/fresh-machine is not used ---------------------------
cache=/var/tmp/pvadmin-package-root
base=$cache/debian12-minbase.tar

# The first URI of this machine's Debian sources (deb822 first, then the one-line format) that matches $1 and
# does not match $2, as awk regular expressions.
apt_uri() {
    local want=$1 skip=$2 uri=""
    [[ -r /etc/apt/sources.list.d/debian.sources ]] &&
        uri=$(awk -v want="$want" -v skip="$skip" '$1 == "URIs:" {
                  for (i = 2; i <= NF; i++) if ($i ~ want && $i !~ skip) { print $i; exit } }' \
              /etc/apt/sources.list.d/debian.sources)
    [[ -z $uri && -r /etc/apt/sources.list ]] &&
        uri=$(awk -v want="$want" -v skip="$skip" '$1 == "deb" {
                  for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\// && $i ~ want && $i !~ skip) { print $i; exit } }' \
              /etc/apt/sources.list)
    echo "$uri"
}
mirror=${PVADMIN_MIRROR:-$(apt_uri '' '-security/?$')}
mirror=${mirror:-http://deb.debian.org/debian}
security=$(apt_uri '-security/?$' '^$')
security=${security:-http://deb.debian.org/debian-security}

# The mount points at DIR and below it, deepest first.
mounts_below() { awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r; }

# release DIR: ends every process whose root is DIR or below it, unmounts everything mounted below DIR, then
# removes DIR (never crossing into another file system); leaves DIR in place, and says so, if a mount remains.
release() {
    local - dir=$1 pass p left
    set +e
    [[ -n $dir && -d $dir ]] || return 0
    for pass in 1 2 3; do
        for p in /proc/[0-9]*; do
            case $(readlink "$p/root" 2>/dev/null) in
                "$dir" | "$dir"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;;
            esac
        done
        ((pass < 3)) && sleep 0.2
    done
    for p in $(mounts_below "$dir"); do umount -R -l "$p" 2>/dev/null; done
    left=$(mounts_below "$dir")
    if [[ -n $left ]]; then
        echo "package-check: $dir is left in place, as these are still mounted: $left" >&2
        return 1
    fi
    rm -rf --one-file-system "$dir"
}

# The debootstrapped base, made once and cached as $base.
make_base() {
    if ! command -v debootstrap >/dev/null; then
        step "apt-get install debootstrap"
        { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
              debootstrap debian-archive-keyring; } >/dev/null || fail "apt-get install debootstrap"
    fi
    mkdir -p "$cache"
    making=$(mktemp -d "$cache/base.XXXXXX")
    step "debootstrap --variant=minbase bookworm from $mirror (once: kept as $base)"
    local started=$SECONDS
    debootstrap --variant=minbase bookworm "$making/root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -n 20 "$cache/debootstrap.log" >&2; fail "debootstrap; its whole log is $cache/debootstrap.log"; }
    tar -C "$making/root" -cf "$making/base.tar" .
    mv "$making/base.tar" "$base"
    release "$making"
    making=""
    echo "base made in $((SECONDS - started)) s: $(du -h "$base" | cut -f1) $base"
}

# own_root DEB: installs and checks DEB in a fresh copy of the base, with this script's --in-root part.
own_root() {
    local deb=$1 rc started
    [[ -s $base ]] || make_base
    step "unpack a fresh Debian 12 root from $base"
    fresh_root=$(mktemp -d "$cache/root.XXXXXX")
    chmod 755 "$fresh_root"
    tar -C "$fresh_root" -xf "$base"
    # The suites of a Debian 12 installation, from this machine's mirrors.
    rm -f "$fresh_root/etc/apt/sources.list"
    printf '%s\n' "Types: deb" "URIs: $mirror" "Suites: bookworm bookworm-updates" "Components: main" \
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" "" \
        "Types: deb" "URIs: $security" "Suites: bookworm-security" "Components: main" \
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" >"$fresh_root/etc/apt/sources.list.d/debian.sources"
    cp -L --remove-destination /etc/resolv.conf "$fresh_root/etc/resolv.conf"
    mount -t proc proc "$fresh_root/proc"
    mount --rbind /sys "$fresh_root/sys" && mount --make-rslave "$fresh_root/sys"
    mount --rbind /dev "$fresh_root/dev" && mount --make-rslave "$fresh_root/dev"
    # apt's download cache lives outside the copy, so a later run does not fetch the same files again.
    mkdir -p "$cache/apt-archives/partial"
    mount --bind "$cache/apt-archives" "$fresh_root/var/cache/apt/archives"
    install -d -m 755 "$fresh_root/tmp/pvadmin-package"
    install -m 644 "$deb" "$root/scripts/package-check.sh" "$fresh_root/tmp/pvadmin-package/"
    step "on a fresh Debian 12 root ($fresh_root): install and run $(basename "$deb")"
    started=$SECONDS
    rc=0
    chroot "$fresh_root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM=dumb bash /tmp/pvadmin-package/package-check.sh --in-root \
        "/tmp/pvadmin-package/$(basename "$deb")" </dev/null || rc=$?
    echo "== exit $rc after $((SECONDS - started)) s on the fresh root"
    return "$rc"
}

share="" making="" fresh_root=""
cleanup() {
    set +e
    [[ -n $share ]] && rm -rf "$share"
    [[ -n $making ]] && release "$making"
    [[ -n $fresh_root ]] && release "$fresh_root"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

step "build (scripts/quickstart.sh build)"
"$root/scripts/quickstart.sh" build

step "cpack: the .deb"
rm -f "$build"/pvadmin_*.deb
(cd "$build" && cpack -G DEB)
deb=$(echo "$build"/pvadmin_*_amd64.deb)
[[ -f $deb ]] || fail "cpack made no pvadmin_*_amd64.deb"
dpkg-deb --field "$deb" Package Version Architecture Depends
dpkg-deb --contents "$deb" | awk '{ print $1, $6 }' | grep -v '/$'

if [[ $use_fresh -eq 0 ]]; then
    own_root "$deb"
    exit
fi
# fresh-machine bind-mounts this machine's /dev into the root, so a folder under /dev/shm is how the .deb
# (and this script, as it is in the working tree) get in; the folder is removed afterwards.
share=$(mktemp -d /dev/shm/pvadmin-package.XXXXXX)
chmod 755 "$share"
cp "$deb" "$root/scripts/package-check.sh" "$share/"
step "on a fresh Debian 12 root: install and run $(basename "$deb")"
(cd "$root" && "$fresh" "bash $share/package-check.sh --in-root $share/$(basename "$deb")")
