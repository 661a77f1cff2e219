// console.mjs — the web console (/ui) in Debian's headless Chromium, driven by playwright-core,
// against a real datastored (virtual clock, every version kept): seeds data through the API,
// then in the page opens an entry and reads its value, versions and a diff; makes a fault rule
// from the form and watches it fire in the live event log; advances the virtual clock; pages
// a leaderboard; watches the metrics charts; exports the universe. A screenshot of each screen
// goes to SHOTS/. Any console error, page error or failed request fails the run. With KEYED
// (a server with keys, given in CONSOLE_DATA_KEY and CONSOLE_ADMIN_KEY), the key dialog too.
// Usage: node console.mjs BASE SHOTS [KEYED]
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { exitOnProblems, launchChromium, watchPage } from "../lib/browser.mjs";

const [base, shots, keyed] = process.argv.slice(2);
const KEYS = { data: process.env.CONSOLE_DATA_KEY || "", admin: process.env.CONSOLE_ADMIN_KEY || "" };
mkdirSync(shots, { recursive: true });
const universe = 700000000 + Math.floor(Math.random() * 1000000);
const v1 = `${base}/datastores/v1/universes/${universe}/standard-datastores/datastore/entries/entry`;
const problems = [];
const check = (ok, what) => { if (!ok) problems.push(what); };

async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, body, headers });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res;
}

// Seed: an entry with two versions and metadata, and a 25-entry leaderboard.
await call("POST", `${v1}?datastoreName=Players&entryKey=user_1`, '{"coins":10,"name":"Ada"}',
  { "roblox-entry-userids": "[269323]", "roblox-entry-attributes": '{"tier":"gold"}' });
await call("POST", `${v1}?datastoreName=Players&entryKey=user_1`, '{"coins":15,"name":"Ada"}',
  { "roblox-entry-userids": "[269323]", "roblox-entry-attributes": '{"tier":"gold"}' });
await call("POST", `${v1}?datastoreName=Players&entryKey=user_2`, '{"coins":1}');
for (let i = 0; i < 25; i++) {
  await call("POST", `${base}/cloud/v2/universes/${universe}/ordered-data-stores/Board/scopes/global/entries?id=p${String(i).padStart(2, "0")}`,
    JSON.stringify({ value: i * 10 }));
}

const keyedUniverse = universe + 1;
if (keyed) {
  await call("POST", `${keyed}/datastores/v1/universes/${keyedUniverse}/standard-datastores/datastore/entries/entry?datastoreName=Keyed&entryKey=k`,
    "1", { "x-api-key": KEYS.data });
}

const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  watchPage(page, base, problems);
  const shot = (name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

  // Data browser: universes → data store → key → entry.
  await page.goto(`${base}/`); // redirects to /ui
  check(page.url().endsWith("/ui") || page.url().includes("/ui#"), `/ redirects to ${page.url()}`);
  await page.click(`a[href="#/u/${universe}"]`);
  await page.waitForSelector('a[href$="/ds/Players"]');
  // The ordered data stores are fetched after the standard ones: wait for them, do not peek.
  await page.waitForSelector('a[href$="/od/Board"]');
  await shot("universe");
  await page.click('a[href$="/ds/Players"]');
  await page.waitForSelector('a[href$="/e/global/user_1"]');
  await page.fill('input[name="prefix"]', "user_2");
  await page.click('#key-search button');
  await page.waitForFunction(() => document.querySelectorAll("#keys tr").length === 1 &&
    (document.querySelector("#keys")?.textContent ?? "").includes("user_2"));
  await page.fill('input[name="prefix"]', "");
  await page.click('#key-search button');
  await page.waitForSelector('a[href$="/e/global/user_1"]');
  await shot("keys");
  await page.click('a[href$="/e/global/user_1"]');
  await page.waitForFunction(() => (document.querySelector("#entry-value")?.textContent ?? "").includes('"coins": 15'));
  await page.waitForFunction(() => document.querySelectorAll("#versions li").length === 2);
  const meta = await page.textContent("#entry-meta");
  check(meta.includes("users/269323") && meta.includes('"tier": "gold"'), `entry metadata: ${meta}`);
  check((await page.textContent("#entry-raw")).includes('"coins":15'), "raw bytes are the stored bytes");
  await page.click("#versions li:last-child button");
  await page.waitForSelector("#version-diff .diff-del");
  const diff = await page.textContent("#version-diff");
  check(diff.includes('-   "coins": 10') && diff.includes('+   "coins": 15'), `version diff: ${diff}`);
  await shot("entry");

  // Fault injection: a rule from the form fires on the next request, live in the event log.
  await page.goto(`${base}/ui#/faults`);
  await page.waitForSelector("#fault-form");
  await page.fill('input[name="universe"]', String(universe));
  await page.fill('input[name="datastore"]', "Players");
  await page.fill('input[name="status"]', "503");
  await page.click('#fault-form button.primary');
  await page.waitForFunction(() => /Rule \d+ is in force/.test((document.querySelector("#status")?.textContent ?? "")));
  const faulted = await fetch(`${v1}?datastoreName=Players&entryKey=user_1`);
  check(faulted.status === 503 && faulted.headers.get("x-datastored-fault"), `the rule fired: ${faulted.status}`);
  await page.waitForFunction((u) => (document.querySelector("#fault-events")?.textContent ?? "").includes(`${u} / Players`),
    universe, { timeout: 10000 });
  await page.waitForFunction(() => /\b1\b/.test(document.querySelector("#fault-rules td:nth-child(5)")?.textContent || ""));
  await shot("faults");
  await page.click("#fault-rules button.danger");
  await page.waitForFunction(() => (document.querySelector("#fault-rules")?.textContent ?? "").includes("No rules"));

  // Clock: the virtual clock moves by exactly what it is told.
  await page.goto(`${base}/ui#/clock`);
  await page.waitForFunction(() => (document.querySelector("#clock-time")?.textContent ?? "").length > 0);
  const before = Date.parse(await page.textContent("#clock-time"));
  await page.fill('#clock-advance input[name="seconds"]', "60");
  await page.click("#clock-advance button");
  await page.waitForFunction((b) => Date.parse((document.querySelector("#clock-time")?.textContent ?? "")) !== b, before);
  const after = Date.parse(await page.textContent("#clock-time"));
  check(after - before === 60000, `the clock moved ${after - before} ms`);
  check((await page.textContent("#config")).includes("--clock"), "the configuration is listed");
  await shot("clock");

  // Leaderboard: page 2 of a descending board holds ranks 11-20.
  await page.goto(`${base}/ui#/u/${universe}/od/Board`);
  await page.waitForFunction(() => document.querySelectorAll("#board tr").length === 10);
  await page.click("#board-next");
  await page.waitForFunction(() => (document.querySelector("#board-page")?.textContent ?? "") === "page 2");
  const rows = await page.$$eval("#board tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  check(rows.length === 10 && rows[0][0] === "11" && rows[0][1] === "p14" && rows[0][2] === "140",
    `leaderboard page 2: ${JSON.stringify(rows[0])}`);
  await shot("leaderboard");
  await page.fill('#board-form input[name="min"]', "100");
  await page.fill('#board-form input[name="max"]', "150");
  await page.selectOption('#board-form select[name="order"]', "asc");
  await page.click("#board-form button.primary");
  await page.waitForFunction(() => document.querySelector("#board tr td:nth-child(3)")?.textContent === "100");
  const filtered = await page.$$eval("#board tr td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
  check(filtered.join(",") === "100,110,120,130,140,150", `min/max ascending: ${filtered}`);

  // Metrics: charts drawn from /metrics.
  await page.goto(`${base}/ui#/metrics`);
  // Three samples: two rates per chart.
  await page.waitForFunction(() => (document.querySelector("#charts polyline")?.getAttribute("points") || "")
    .split(" ").length >= 2 && (document.querySelector("#charts text")?.textContent ?? "").includes("req/s"), null, { timeout: 15000 });
  await page.waitForTimeout(4500);
  check((await page.$$("#charts svg")).length === 5, "five charts");
  check((await page.textContent("#by-op")).includes("v1"), "requests by family");
  await shot("metrics");

  // Data movement: export downloads the universe as a file.
  await page.goto(`${base}/ui#/u/${universe}`);
  await page.click("#export");
  await page.waitForSelector("#export-link:not([hidden])");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-link")]);
  check(download.suggestedFilename() === `universe-${universe}.json`, `download ${download.suggestedFilename()}`);

  // Keyboard: the sections are reachable with Tab and Enter.
  await page.goto(`${base}/ui#/`);
  await page.focus('header nav a[href="#/faults"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector("#fault-form");
  // A server with keys: the page says it needs a key; with the keys from the dialog it works.
  // (Its 401s before the keys are entered are expected, not failures.)
  if (keyed) {
    const before = problems.length;
    const kpage = await browser.newPage();
    kpage.on("pageerror", (e) => problems.push(`page error (keyed): ${e.message}`));
    const failures = [];
    kpage.on("response", (r) => { if (r.status() >= 400) failures.push(r.status()); });
    await kpage.goto(`${keyed}/ui`);
    await kpage.waitForFunction(() => (document.querySelector("#status")?.textContent ?? "").includes("wants a key"));
    check(await kpage.$$eval("#universes a", (as) => as.length) === 0, "keyed server: no data before the keys");
    check(!(await kpage.textContent("#clock-badge")), "keyed server: no admin data (clock) before the keys");
    await kpage.click("#keys-button");
    await kpage.fill("#api-key", KEYS.data);
    await kpage.fill("#admin-key", KEYS.admin);
    await kpage.click('#keys-form button[value="save"]');
    await kpage.waitForSelector(`a[href="#/u/${keyedUniverse}"]`);
    await kpage.click(`a[href="#/u/${keyedUniverse}"]`);
    await kpage.waitForSelector('a[href$="/ds/Keyed"]');
    check(failures.every((s) => s === 401), `keyed server: only 401s before the keys, got ${failures}`);
    check(problems.length === before, "keyed server: no page errors");
    await kpage.screenshot({ path: `${shots}/keys.png` });
    await kpage.close();
  }
  console.log(`console: every screen worked; screenshots in ${shots}`);
} finally {
  await browser.close();
}
exitOnProblems(problems);
