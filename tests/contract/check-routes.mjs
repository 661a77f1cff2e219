// check-routes.mjs — one set of routes everywhere: the routes the binary serves
// (`datastored --routes`: method, path, what the caller needs) must be exactly the
// operations of api/openapi.yaml, each with the security requirement for that need, and
// exactly the rows of README.md's route tables (each table follows a
// `<!-- routes: base=PREFIX [also=PREFIX] -->` line; a row's path is relative to the base,
// `[...]` marks an optional part, `?...` a query, and "GET / PATCH" several methods).
// Usage: node check-routes.mjs api/openapi.yaml routes.txt README.md
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import YAML from "yaml";

const [specPath, routesPath, readmePath] = process.argv.slice(2);
const spec = YAML.parse(readFileSync(specPath, "utf8"));
const norm = (method, path) => `${method.toUpperCase()} ${path.replace(/\{[^}]*\}/g, "{}")}`;
const problems = [];

const served = new Map();
for (const line of readFileSync(routesPath, "utf8").split("\n")) {
  const [method, path, needs] = line.trim().split(/\s+/);
  if (method) served.set(norm(method, path), needs);
}
if (served.size === 0) problems.push("datastored --routes printed no routes");

// Spec operations and their security requirements.
const specOps = new Map();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of ["get", "put", "post", "patch", "delete", "options", "head"]) {
    if (item[method]) specOps.set(norm(method, path), item[method]);
  }
}
const wantSecurity = (needs) => needs === "open" ? [{}]
  : needs === "admin" ? [{ adminKey: [] }, { adminBearer: [] }, {}]
  : [{ apiKey: [needs] }, { bearer: [needs] }, {}];
for (const [route, needs] of served) {
  const op = specOps.get(route);
  if (!op) { problems.push(`served but not in api/openapi.yaml: ${route}`); continue; }
  if (!isDeepStrictEqual(op.security, wantSecurity(needs))) {
    problems.push(`${route}: security ${JSON.stringify(op.security)} but the route needs ${needs}`);
  }
  if (!op.operationId || !op.tags?.length) problems.push(`${route}: no operationId or tags`);
}
for (const route of specOps.keys()) {
  if (!served.has(route)) problems.push(`in api/openapi.yaml but not served: ${route}`);
}

// README route tables.
function expandOptional(path) {
  const m = path.match(/\[([^\]]*)\]/);
  if (!m) return [path];
  return [path.replace(m[0], ""), path.replace(m[0], m[1])].flatMap(expandOptional);
}
const readmeRoutes = new Map();
const lines = readFileSync(readmePath, "utf8").split("\n");
let tables = 0;
for (let i = 0; i < lines.length; i++) {
  const marker = lines[i].match(/^<!-- routes: (.*) -->$/);
  if (!marker) continue;
  tables++;
  const opts = Object.fromEntries(marker[1].split(/\s+/).map((kv) => kv.split("=")));
  const bases = [opts.base ?? "", ...(opts.also ? [opts.also] : [])];
  let j = i + 1;
  while (j < lines.length && !lines[j].startsWith("|")) j++;
  for (j += 2; j < lines.length && lines[j].startsWith("|"); j++) {
    const cells = lines[j].split("|").slice(1, -1).map((c) => c.trim());
    const rel = (cells[1].match(/`([^`]*)`/) || [])[1];
    if (rel === undefined) { problems.push(`README.md:${j + 1}: no path in backticks`); continue; }
    for (const method of cells[0].split("/").map((m) => m.trim())) {
      for (const base of bases) {
        for (const path of expandOptional(rel.replace(/\[[?&][^\]]*\]/g, "").split("?")[0])) {
          const route = norm(method, base + path);
          if (!served.has(route)) problems.push(`README.md:${j + 1}: ${route} is not a route`);
          readmeRoutes.set(route, j + 1);
        }
      }
    }
  }
}
if (!tables) problems.push("README.md has no <!-- routes: ... --> tables");
for (const route of served.keys()) {
  if (!readmeRoutes.has(route)) problems.push(`served but in no README.md route table: ${route}`);
}

console.log(`routes: ${served.size} served, ${specOps.size} in the spec, ` +
  `${readmeRoutes.size} in ${tables} README tables`);
if (problems.length) {
  console.log(problems.join("\n"));
  console.log(`FAIL: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log("routes, api/openapi.yaml and README.md agree");
