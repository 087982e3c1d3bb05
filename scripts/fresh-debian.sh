#!/usr/bin/env bash
# Proves the set-up on a machine that has never seen the project: builds a minimal Debian 12 root with
# mmdebstrap (variant minbase: essential packages and apt, nothing else), clones the committed HEAD of this
# repository into it and runs the README's ./test.sh there, as a new user would.
#   scripts/fresh-debian.sh [--keep] [--command "CMD"]
#     --keep       keep the root afterwards (its path is printed)
#     --command    run CMD in the clone instead of ./test.sh (e.g. "./run.sh")
# Needs root (or sudo), mmdebstrap (installed when missing) and Debian's package mirrors; not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
repository="$PWD"
keep=0
command="./test.sh"
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) keep=1 ;;
        --command) command="$2"; shift ;;
        *) echo "usage: scripts/fresh-debian.sh [--keep] [--command CMD]" >&2; exit 2 ;;
    esac
    shift
done

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi
if ! command -v mmdebstrap > /dev/null; then
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap
fi

root="$(mktemp -d -t gradlens-fresh-debian.XXXXXX)"
cleanup() {
    if [ $keep -eq 0 ]; then
        "${sudo_cmd[@]}" rm -rf --one-file-system "$root"
    else
        echo "The root is kept in $root"
    fi
}
trap cleanup EXIT

# A clean clone of what is committed: uncommitted changes and local build trees must not help.
clone="$root.clone"
git clone --quiet --no-hardlinks "$repository" "$clone"
trap 'rm -rf "$clone"; cleanup' EXIT

started=$(date +%s)
echo "Building a minimal Debian 12 root in $root and running \"$command\" in a clean clone inside it."
# The hooks run with /proc, /sys and /dev mounted in the root; git is what a new user has to clone with.
"${sudo_cmd[@]}" mmdebstrap --variant=minbase --include=git,ca-certificates --mode=root \
    --customize-hook="cp -a '$clone' \"\$1/root/gradlens\"" \
    --customize-hook="chroot \"\$1\" /bin/bash -c 'cd /root/gradlens && $command'" \
    bookworm "$root"
echo "fresh-debian: \"$command\" passed in a fresh Debian 12 root in $(( $(date +%s) - started )) s"
