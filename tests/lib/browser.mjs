// tests/lib/browser.mjs — the browser tests' shared start: Debian's Chromium, headless, with
// the flags a closed network needs (no background connections, no first-run work), and a
// watcher that records every console error, page error, failed or 4xx/5xx request, and any
// request to another origin. Takes playwright-core's `chromium` from the caller (each test
// directory pins its own copy).
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
