// Opens an Allure 3 report built with history in headless Chromium (Debian's /usr/bin/chromium
// through playwright-core, as browse_report.mjs does) and photographs what history adds:
//   trend.png  the Graphs page: "Status dynamics" (one bar per run) and "Status transitions"
//   flaky.png  the tree filtered by the Flaky mark, the flaky test opened on its History tab
//   fixed.png  the tree filtered by the Fixed transition, the fixed test opened on its History tab
// and prints what it saw as JSON (the test judges it).
//   node browse_history.mjs INDEX_HTML OUT_DIR "Flaky test title" "Fixed test title"
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [indexHtml, outDir, flakyTitle, fixedTitle] = process.argv.slice(2);
const url = pathToFileURL(indexHtml).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const seen = { trend: null, flaky: null, fixed: null, errors: [], step: "trend.png", reloads: 0 };

// A fresh page in a fresh context each time (the report keeps filters in the browser's
// storage), the previous one closed first.
async function open() {
  for (const context of browser.contexts()) await context.close();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => seen.errors.push(String(error)));
  await page.goto(url);
  try {
    await page.getByTestId("report-title").waitFor({ timeout: 20000 });
  } catch {
    // Now and then, on a busy machine, the report stays on its loading spinner: load it once more.
    seen.reloads += 1;
    await page.reload();
    await page.getByTestId("report-title").waitFor({ timeout: 20000 });
  }
  return page;
}

// Open the collapsed groups of the tree (their arrow icon is not "--opened") until the test shows.
async function expand(page, title) {
  const leaf = page.getByTestId("tree-leaf-title").getByText(title, { exact: true });
  for (let round = 0; round < 10 && !(await leaf.count()); round++) {
    const closed = await page.getByTestId("tree-arrow").evaluateAll((arrows) =>
      arrows.findIndex((arrow) => !arrow.querySelector("[class*='arrow-button-icon--opened']")));
    if (closed < 0) break;
    await page.getByTestId("tree-arrow").nth(closed).click();
    await page.waitForTimeout(300);
  }
}

// The tree filtered by one mark, then the test opened on its History tab.
async function marked(filters, title, shot) {
  seen.step = shot;
  const page = await open();
  for (const filter of filters) await page.getByTestId(filter).click();
  await page.keyboard.press("Escape"); // close a filter's drop-down menu
  await page.waitForTimeout(500);
  await expand(page, title);
  const leaves = await page.getByTestId("tree-leaf-title").allInnerTexts();
  await page.getByTestId("tree-leaf-title").getByText(title, { exact: true }).first().click();
  await page.getByTestId("test-result-tab-history").click();
  await page.getByTestId("test-result-history-item").first().waitFor({ timeout: 10000 });
  const history = await page.getByTestId("test-result-history-item").evaluateAll((items) =>
    items.map((item) => {
      const icon = item.querySelector("[data-testid^='tree-leaf-status-']");
      return icon ? icon.getAttribute("data-testid").replace("tree-leaf-status-", "") : "?";
    }));
  const header = await page.getByTestId("test-result-info-title").locator("xpath=..").innerText();
  const status = (await page.locator("[data-testid^='test-result-status-']").first().getAttribute("data-testid"))
    .replace("test-result-status-", "");
  await page.screenshot({ path: `${outDir}/${shot}` });
  return { leaves, title: await page.getByTestId("test-result-info-title").innerText(), status, header, history };
}

try {
  const page = await open();
  await page.getByText("Report", { exact: true }).first().click();
  await page.getByText("Graphs", { exact: true }).first().click();
  const title = page.getByText("Status dynamics", { exact: true }).first();
  await title.waitFor({ timeout: 10000 });
  const card = page.locator("div", { has: title }).filter({ has: page.locator("svg") }).last();
  await page.waitForTimeout(1000); // the charts animate in
  seen.trend = {
    bars: await card.getByTestId("group").count(),
    ticks: (await card.locator("svg text").evaluateAll((texts) => texts.map((t) => t.textContent)))
      .filter((t) => t && !/^\d+$/.test(t)),
    transitions: await page.getByText("Status transitions", { exact: true }).count(),
  };
  await page.screenshot({ path: `${outDir}/trend.png` });
  seen.flaky = await marked(["flaky-filter"], flakyTitle, "flaky.png");
  seen.fixed = await marked(["transition-filter", "fixed-filter"], fixedTitle, "fixed.png");
} catch (error) {
  const lines = String(error).split("\n");
  seen.errors.push([lines[0], ...lines.filter((line) => line.includes("waiting for")).slice(0, 1)].join(" "));
  for (const context of browser.contexts()) {
    for (const page of context.pages()) await page.screenshot({ path: `${outDir}/error-${seen.errors.length}.png` });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
