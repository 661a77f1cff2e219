#!/usr/bin/env bash
# scripts/check-tree.sh — the habits the test command enforces on the source tree:
#   format    every C file is as .clang-format says (clang-format --dry-run --Werror);
#   analysis  cppcheck (warning + portability checks) finds nothing;
#   layers    no file of src/api, src/http or src/dispatch includes store/ or pg/, calls a
#             store_ function or reads a libpq result; no file outside store/ and pg/
#             reads query results by column; no include cycle between the folders of src/;
#   release   a Release build with the tests on, as gcc builds it, compiles (-Werror).
# Usage: scripts/check-tree.sh [format|analysis|layers|release]... (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
checks=("$@")
[ ${#checks[@]} -eq 0 ] && checks=(format analysis layers release)
status=0
fail() { echo "check-tree: FAIL: $*"; status=1; }

c_files() { git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'examples/*.c' 'bench/*.c'; }

for check in "${checks[@]}"; do
  case $check in
  format)
    echo "== clang-format"
    # shellcheck disable=SC2046
    drift=$(clang-format --dry-run --Werror $(c_files) 2>&1 | grep -E '^[^ ].*: (error|warning)' |
            cut -d: -f1 | sort -u || true)
    if [ -n "$drift" ]; then
      echo "$drift" | sed 's/^/  /'
      fail "files drift from .clang-format (run clang-format -i on them)"
    else
      echo "  $(c_files | wc -l) files formatted"
    fi
    ;;
  analysis)
    echo "== cppcheck"
    # warning,portability: real defects, not style. json_object_object_foreach is json-c's
    # macro (its header is not analysed); router.c's nested route-table macros are beyond
    # cppcheck 2.10's preprocessor (gcc and clang build them), so that one file is skipped.
    if ! cppcheck -q --enable=warning,portability --std=c11 --error-exitcode=1 --inline-suppr \
         -I src -I /usr/include/postgresql -D_GNU_SOURCE -DDATASTORED_VERSION='"check"' \
         '-Djson_object_object_foreach(o,k,v)=for(char*k=0,*v=0;k;)' \
         --suppress=preprocessorErrorDirective:src/dispatch/router.c src 2>&1; then
      fail "cppcheck findings above"
    else
      echo "  no findings"
    fi
    ;;
  layers)
    echo "== layering"
    # Reaching below: including store/ or pg/, calling a store_ function, or reading a
    # libpq result (PQ* calls, pg_i64/pg_bool column reads) from api/, http/ or dispatch/.
    below=$( (grep -lE '#include "(store|pg)/' src/api/*.[ch] src/http/*.[ch] src/dispatch/*.[ch]
              grep -lE '\<(store_[a-z_]+|PQ[a-z]+|pg_(i64|bool|int|text|run|str|len|null))\(' \
                src/api/*.[ch] src/http/*.[ch] src/dispatch/*.[ch]) | sort -u || true)
    [ -z "$below" ] || fail "these reach below the service layer from api/, http/ or dispatch/: $below"
    [ -n "$below" ] || echo "  api/, http/ and dispatch/ go through service/ only"
    # Query results are read by column number in store/ (and pg/) only: every other layer
    # gets typed rows.
    columns=$(grep -lE '\<(PQgetvalue|PQntuples|PQgetisnull|PQgetlength|pg_(i64|bool|str|len|null|int))\(' \
                $(git ls-files 'src/*.c' 'src/*.h' | grep -vE '^src/(store|pg)/') || true)
    [ -z "$columns" ] || fail "these read query results by column outside store/: $columns"
    [ -n "$columns" ] || echo "  query results are read by column in store/ and pg/ only"
    # Folder include graph: an edge A -> B when a file in src/A includes "B/...".
    edges=$(for f in $(git ls-files 'src/*/*.c' 'src/*/*.h'); do
              from=$(echo "$f" | cut -d/ -f2)
              sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' "$f" | sort -u | sed "s/^/$from /"
            done | awk '$1 != $2' | sort -u)
    cycle=$(echo "$edges" | python3 -c '
import sys, collections
g = collections.defaultdict(set)
for line in sys.stdin:
    a, b = line.split(); g[a].add(b)
def reach(s):
    seen, todo = set(), [s]
    while todo:
        for n in g.get(todo.pop(), ()):
            if n not in seen: seen.add(n); todo.append(n)
    return seen
print(" ".join(sorted(f"{a}<->{b}" for a in list(g) for b in g[a] if a in reach(b))))')
    [ -z "$cycle" ] || fail "include cycles between folders: $cycle"
    [ -n "$cycle" ] || echo "  no include cycle between the folders of src/"
    ;;
  release)
    echo "== Release build with tests (gcc)"
    if cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=gcc >/dev/null &&
       cmake --build build-rel -j"$(nproc)" >build-rel.log 2>&1; then
      echo "  builds"
    else
      tail -20 build-rel.log; fail "the Release build fails"
    fi
    ;;
  *) echo "unknown check $check" >&2; exit 2 ;;
  esac
done
exit $status
