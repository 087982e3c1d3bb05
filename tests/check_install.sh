#!/usr/bin/env bash
# Installs a build into a fresh prefix and checks the layout of a desktop application:
#   tests/check_install.sh BUILD_DIR PREFIX
set -euo pipefail
build="$1"
prefix="$2"
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" > /dev/null

app_id=io.github.gradlens.GradientLens
expected=(
    bin/gradlens
    bin/gradlens-cli
    "share/applications/$app_id.desktop"
    "share/metainfo/$app_id.metainfo.xml"
    "share/icons/hicolor/scalable/apps/$app_id.svg"
    share/doc/gradlens/help/reading.html
    share/man/man1/gradlens.1
    share/man/man1/gradlens-cli.1
)
status=0
for file in "${expected[@]}"; do
    if [ ! -s "$prefix/$file" ]; then
        echo "missing after install: $file" >&2
        status=1
    fi
done
[ $status -eq 0 ] || exit $status

desktop-file-validate "$prefix/share/applications/$app_id.desktop"
if command -v appstreamcli > /dev/null; then
    appstreamcli validate --no-net --pedantic "$prefix/share/metainfo/$app_id.metainfo.xml"
fi
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$prefix/bin/gradlens" --version
"$prefix/bin/gradlens-cli" --version
echo "install layout: ${#expected[@]} files in place, desktop entry and metainfo valid"
