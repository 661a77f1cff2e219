// tests/lib/browser.mjs — what the browser tests share: Debian's Chromium, headless, with
// the flags a closed network needs (no background connections, no first-run work); a watcher
// that records every console error, page error, failed or 4xx/5xx request and any request to
// another origin; and the end of a run. Takes playwright-core's `chromium` from the caller
// (each test directory pins its own copy).
export async function launchChromium(chromium) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export function watchPage(page, base, problems) {
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith("data:") && !u.startsWith("blob:")) {
      problems.push(`request to another origin: ${u}`);
    }
  });
}

// Ends the run: prints the problems and exits 1 when there are any.
export function exitOnProblems(problems) {
  if (!problems.length) return;
  console.log(problems.join("\n"));
  console.log(`FAIL: ${problems.length} problem(s)`);
  process.exit(1);
}
