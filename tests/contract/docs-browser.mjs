// docs-browser.mjs — loads BASE/docs in headless Chromium (Debian's, driven by
// playwright-core) and checks that Swagger UI lists every operation of the served contract,
// that an operation opens with its parameters, and that the page logs no console error,
// fails no request and asks nothing of any other origin. Writes a screenshot to SHOTS/.
// Usage: node docs-browser.mjs BASE SHOTS
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { exitOnProblems, launchChromium, watchPage } from "../lib/browser.mjs";

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const spec = await (await fetch(`${base}/openapi.json`)).json();
const want = Object.values(spec.paths)
  .flatMap((item) => ["get", "put", "post", "patch", "delete"].filter((m) => item[m]).map((m) => item[m].operationId));

const browser = await launchChromium(chromium);
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchPage(page, base, problems);
  await page.goto(`${base}/docs`, { waitUntil: "networkidle" });
  await page.waitForSelector(".opblock", { timeout: 30000 });
  const title = await page.textContent(".info .title");
  if (!title?.includes("datastored")) problems.push(`page title is ${JSON.stringify(title)}`);
  const listed = await page.$$eval(".opblock-summary-operation-id", (els) => els.map((e) => e.textContent.trim()));
  const missing = want.filter((id) => !listed.includes(id));
  if (missing.length) problems.push(`operations missing from the page: ${missing.join(", ")}`);
  if (listed.length !== want.length) problems.push(`the page lists ${listed.length} operations; the spec has ${want.length}`);
  await page.screenshot({ path: `${shots}/docs.png` });
  // Open GetAsync's operation: its parameters render from the spec.
  await page.click("#operations-v1-v1GetEntry .opblock-summary");
  await page.waitForSelector("#operations-v1-v1GetEntry .parameters", { timeout: 10000 });
  const params = await page.$$eval("#operations-v1-v1GetEntry .parameter__name", (els) => els.map((e) => e.textContent));
  if (!params.some((p) => p.includes("entryKey"))) problems.push(`v1GetEntry parameters: ${params.join(", ")}`);
  await page.screenshot({ path: `${shots}/docs-v1GetEntry.png` });
  console.log(`docs page: ${listed.length} operations listed; screenshots in ${shots}`);
} finally {
  await browser.close();
}
exitOnProblems(problems);
