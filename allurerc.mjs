// Allure 3 configuration for `bash ci/report.sh` (npx allure generate).
// Categories sort failures by the label settings_qa/reporting.py puts on them: the phase
// of the incident report's post-deploy check where a scenario failed, or the layer
// (contract, import) of any other test. One environment per results folder (CI leg),
// matched by the `leg` label, so the SQLite and PostgreSQL runs of a test stay apart.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "allure";

const RESULTS = process.env.QA_ALLURE_RESULTS || "reports/allure-results";
const FAILED = ["failed", "broken"];

const phase = (name, value) => ({
  name,
  matchers: [{ statuses: FAILED, labels: { phase: value } }],
  groupByMessage: true,
  expand: true,
});

// Folders that hold results directly (one per leg) -> environments with the leg's properties.
function legs() {
  if (!existsSync(RESULTS)) return [];
  return readdirSync(RESULTS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((leg) => readdirSync(join(RESULTS, leg)).some((f) => f.endsWith("-result.json")));
}

function properties(leg) {
  const file = join(RESULTS, leg, "environment.properties");
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, "utf-8")
      .split("\n")
      .map((line) => line.split(" = "))
      .filter((pair) => pair.length === 2 && pair[0] !== "leg")
      .map(([key, value]) => [key.trim(), value.trim()]),
  );
}

const environments = Object.fromEntries(
  legs().map((leg) => [
    leg,
    {
      name: leg,
      variables: properties(leg),
      matcher: ({ labels }) => labels.some((l) => l.name === "leg" && l.value === leg),
    },
  ]),
);

export default defineConfig({
  name: "Business settings QA",
  output: "reports/allure-report",
  ...(Object.keys(environments).length > 1 ? { environments } : {}),
  categories: {
    rules: [
      phase("Phase 1: authentication failed", "authentication"),
      phase("Phase 2: fetch failed", "fetch"),
      phase("Phase 3: save failed", "save"),
      phase("Phase 4: persistence failed", "persistence"),
      phase("Contract violations", "contract"),
      phase("Import failures (smoke)", "import"),
      phase("Other failures", "other"),
      { name: "Unclassified failures", matchers: [{ statuses: FAILED }], groupByMessage: true },
    ],
  },
  plugins: {
    awesome: {
      options: {
        reportName: "Business settings QA",
        singleFile: true,
        groupBy: ["epic", "feature", "story"],
        stepTreeExpansion: "expanded",
        reportLanguage: "en",
        layout: "split",
      },
    },
  },
});
