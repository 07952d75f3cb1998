#!/usr/bin/env bash
# Writes the commit, branch and date of this build into Sources/LumenServer/API/BuildStamp+Generated.swift
# (git-ignored), which `lumen version`, `lumen --version` and /api/v1/status/buildinfo report. The file is
# rewritten only when the commit (or whether the tree has changes, `-dirty`) changes, so a rebuild of the same
# tree compiles nothing new and the date is when that revision was first built. The build that follows must
# have LUMEN_BUILD_STAMP=1 in its environment (Package.swift compiles the file in only then); without it — a
# plain `swift build` of a clean clone — they say "unknown". Not a git checkout: nothing is written.
set -euo pipefail
cd "$(dirname "$0")/.."

target=Sources/LumenServer/API/BuildStamp+Generated.swift
revision=$(git rev-parse HEAD 2>/dev/null) || exit 0
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then revision="$revision-dirty"; fi
branch=$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)

if [ -f "$target" ] && grep -q "revision = \"$revision\"" "$target" && grep -q "branch = \"$branch\"" "$target"; then
    exit 0
fi
cat > "$target.tmp" <<SWIFT
// Written by Scripts/stamp.sh; git-ignored. See BuildStamp.swift.
#if LUMEN_BUILD_STAMP
enum BuildStamp {
    static let revision = "$revision"
    static let branch = "$branch"
    static let date = "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
#endif
SWIFT
mv "$target.tmp" "$target"
