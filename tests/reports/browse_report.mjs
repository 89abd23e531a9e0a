// Opens an Allure 3 report in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core: no browser download), walks the tree to one test, opens one of its
// attachments, saves a screenshot and prints what it saw as JSON.
//   node browse_report.mjs INDEX_HTML SCREENSHOT_PNG "Group>Group>Test title" "Attachment name"
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [indexHtml, screenshot, treePath, attachmentName] = process.argv.slice(2);
const path = treePath.split(">");
const title = path[path.length - 1];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const seen = { home: "", opened: null, steps: [], attachment: null, errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1400 } });
  page.on("pageerror", (error) => seen.errors.push(String(error)));
  await page.goto(pathToFileURL(indexHtml).href);
  await page.getByText(path[0], { exact: true }).first().waitFor({ timeout: 60000 }); // a report of several MB, on a machine busy with other tests
  seen.home = await page.locator("body").innerText();
  for (const node of path) await page.getByText(node, { exact: true }).first().click();
  await page.waitForTimeout(500);
  // The test page, on the right of the split layout: fold the fixtures away, keep the steps.
  const setUp = page.getByText("Set up", { exact: true }).first();
  if (await setUp.count()) await setUp.click();
  const body = await page.locator("body").innerText();
  seen.opened = body.split("\n").filter((line) => line === title).length >= 2 ? title : null;
  seen.steps = body.split("\n").filter((line) => /^(Given|When|Then|And|But) /.test(line));
  const attachment = page.getByText(attachmentName, { exact: true }).first();
  await attachment.scrollIntoViewIfNeeded();
  await attachment.click();
  const content = page.getByText(/HTTP \d{3} +\(\d+ ms\)/).first();
  await content.waitFor({ timeout: 30000 });
  seen.attachment = await content.innerText();
  await page.getByText(seen.steps[0]).first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot });
} catch (error) {
  seen.errors.push(String(error).split("\n")[0]);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
