#!/usr/bin/env bash
# tests/contract/run.sh — the contract, checked with the tools people use on it:
#   1. Redocly CLI lint (recommended rules, redocly.yaml): no error, no unexplained warning;
#   2. swagger-cli validate;
#   3. routes served = operations in api/openapi.yaml (with their security) = README tables;
#   4. the served /openapi.json is the YAML file, read the way these tools read it;
#   5. /docs renders in headless Chromium (Debian's) and lists every operation;
#   6. every exchange the integration suites recorded matches the spec, and every operation
#      was exercised (the checker itself must reject tests/contract/bad/*.jsonl).
# Needs DATASTORED_BIN and DATASTORED_EXCHANGE_LOG (ctest sets both; the integration test
# writes the log); DATABASE_URL or a throwaway PostgreSQL for the served checks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
bin=${DATASTORED_BIN:?set DATASTORED_BIN to the datastored binary}
exchanges=${DATASTORED_EXCHANGE_LOG:?set DATASTORED_EXCHANGE_LOG (the integration suite writes it)}
shots=${DATASTORED_SCREENSHOTS:-$(dirname "$bin")/contract-screenshots}

if ! cmp -s "$here/package-lock.json" "$here/node_modules/.installed-lock.json" 2>/dev/null; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error &&
     cp package-lock.json node_modules/.installed-lock.json)
fi
npx_() { "$here/node_modules/.bin/$@"; }
status=0
fail() { echo "contract: FAIL: $*"; status=1; }

echo "== redocly lint"
lint=$(npx_ redocly lint --config redocly.yaml --format=stylish 2>&1) || fail "redocly lint"
echo "$lint" | grep -E '^ +[0-9]+:[0-9]+ |validated|ignored|errors?\b' || true
if echo "$lint" | grep -qE '^ +[0-9]+:[0-9]+ +warning'; then
  fail "redocly lint warnings (justify them in .redocly.lint-ignore.yaml or fix them)"
fi

echo "== swagger-cli validate"
npx_ swagger-cli validate api/openapi.yaml || fail "swagger-cli validate"

echo "== routes, spec and README"
tmp=$(mktemp -d)
. scripts/lib/server.sh
trap 'ds_stop_all; rm -rf "$tmp"' EXIT
"$bin" --routes >"$tmp/routes.txt"
node "$here/check-routes.mjs" api/openapi.yaml "$tmp/routes.txt" README.md || fail "routes"

echo "== served contract and /docs"
ds_fresh_database ds_contract_docs
ds_start docs "${db[@]}"
curl -fsS "$url/openapi.yaml" | cmp -s - api/openapi.yaml || fail "/openapi.yaml differs from api/openapi.yaml"
curl -fsS "$url/openapi.json" >"$tmp/openapi.json"
node --input-type=module -e '
  import { readFileSync } from "node:fs"; import { isDeepStrictEqual } from "node:util";
  import YAML from "'"$here"'/node_modules/yaml/dist/index.js";
  const yaml = YAML.parse(readFileSync("api/openapi.yaml", "utf8"));
  const json = JSON.parse(readFileSync(process.argv[1], "utf8"));
  if (!isDeepStrictEqual(yaml, json)) { console.log("/openapi.json is not api/openapi.yaml"); process.exit(1); }
  console.log("/openapi.json is api/openapi.yaml");' "$tmp/openapi.json" || fail "/openapi.json"
node "$here/docs-browser.mjs" "$url" "$shots" || fail "/docs in Chromium"

echo "== the exchange checker rejects what it must"
for bad in "$here"/bad/*.jsonl; do
  if node "$here/check-exchanges.mjs" --no-coverage api/openapi.yaml "$bad" >"$tmp/bad.out"; then
    fail "check-exchanges.mjs accepted $(basename "$bad")"
  fi
done

echo "== recorded exchanges against the spec"
[ -s "$exchanges" ] || fail "no exchanges recorded in $exchanges (run the integration test first)"
coverage=()
[ -n "${CK_RUN_SUITE:-}${CK_RUN_CASE:-}" ] && coverage=(--no-coverage) # only part of the suites ran
node "$here/check-exchanges.mjs" "${coverage[@]}" api/openapi.yaml "$exchanges" || fail "exchanges"
exit $status
