#!/usr/bin/env bash
# Refresh the vendored test vectors from their upstream repositories.
#
#   test/vectors/refresh.sh                 re-download every file at the commit SOURCES.tsv pins
#   test/vectors/refresh.sh --ref main      download the newest upstream copies (then review
#                                           the diff, run npm test, and commit SOURCES.tsv too)
#   test/vectors/refresh.sh --verify        offline: check every file against SOURCES.tsv
#
# SOURCES.tsv is the list: local path, repository, commit, upstream path, SHA-256. Files come
# from raw.githubusercontent.com, unchanged. With --ref the commit column is rewritten to the
# commit the ref pointed at (asked from the GitHub API) and the SHA-256 column is recomputed.
set -euo pipefail
cd "$(dirname "$0")"

mode=pinned
ref=''
case "${1:-}" in
  --verify) mode=verify ;;
  --ref) mode=ref; ref=${2:?--ref needs a branch, tag or commit} ;;
  '') ;;
  *) echo "usage: $0 [--verify | --ref <branch|tag|commit>]" >&2; exit 2 ;;
esac

sha() { sha256sum "$1" | cut -d' ' -f1; }
failures=0
next=$(mktemp)
trap 'rm -f "$next"' EXIT
head -n 1 SOURCES.tsv > "$next"
declare -A resolved=()
while IFS=$'\t' read -r local repo commit path sum; do
  case "$mode" in
    verify)
      if [ ! -f "$local" ]; then echo "missing: $local" >&2; failures=$((failures + 1));
      elif [ "$(sha "$local")" != "$sum" ]; then echo "changed: $local (not the upstream copy SOURCES.tsv names)" >&2; failures=$((failures + 1)); fi
      continue ;;
    ref)
      if [ -z "${resolved[$repo]:-}" ]; then
        resolved[$repo]=$(curl -fsSL "https://api.github.com/repos/$repo/commits/$ref" | sed -n 's/^  "sha": "\([0-9a-f]\{40\}\)",$/\1/p' | head -n 1)
        [ -n "${resolved[$repo]}" ] || { echo "cannot resolve $ref in $repo" >&2; exit 1; }
      fi
      commit=${resolved[$repo]} ;;
  esac
  mkdir -p "$(dirname "$local")"
  curl -fsSL "https://raw.githubusercontent.com/$repo/$commit/$path" -o "$local.new"
  mv "$local.new" "$local"
  now=$(sha "$local")
  [ "$now" = "$sum" ] || echo "updated: $local" >&2
  printf '%s\t%s\t%s\t%s\t%s\n' "$local" "$repo" "$commit" "$path" "$now" >> "$next"
done < <(tail -n +2 SOURCES.tsv)

if [ "$mode" = verify ]; then
  [ "$failures" -eq 0 ] && echo "every vendored vector matches SOURCES.tsv" || exit 1
else
  cp "$next" SOURCES.tsv
  echo "done: review 'git diff test/vectors', run npm test, commit"
fi
