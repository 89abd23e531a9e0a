// Allure 3 configuration for `bash ci/report.sh` (npx allure generate).
// Categories sort failures by the label settings_qa/reporting.py puts on them: the phase
// of the incident report's post-deploy check where a scenario failed, or the layer
// (contract, import) of any other test. Findings outside the contract (settings_qa/findings.py)
// come first, each kind in a category of its own: status "unknown" in the default mode (they
// do not fail the run), "failed" under --strict. A result goes to the first category it matches. One environment per results folder (CI leg),
// matched by the `leg` label, so the SQLite and PostgreSQL runs of a test stay apart.
// History across runs: QA_ALLURE_HISTORY_FILE names the history file (JSON Lines, one line per
// earlier report; `historyPath`). Allure reads it before the report is built, which gives the
// trend charts, the flaky mark and each test's transition (new, fixed, regressed), then
// appends this run's line to it, keeping the last QA_ALLURE_HISTORY_LIMIT (default 20) runs.
// ci/report.sh sets it from QA_ALLURE_HISTORY (reports/README.md); unset, there is no history.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "allure";

const RESULTS = process.env.QA_ALLURE_RESULTS || "reports/allure-results";
const HISTORY = process.env.QA_ALLURE_HISTORY_FILE;
const HISTORY_LIMIT = Number.parseInt(process.env.QA_ALLURE_HISTORY_LIMIT || "20", 10);
const FAILED = ["failed", "broken"];

const finding = (name, kind) => ({
  name,
  matchers: [{ statuses: ["unknown", ...FAILED], labels: { finding: kind } }],
  groupByMessage: false,
  expand: true,
});

// The network's events (settings_qa/net/report.py): waits, retries and gateway errors, one
// result per kind; "unknown" when they only waited, "failed" under --fail-on-network-events.
const network = (name) => ({
  name,
  matchers: [{ statuses: ["unknown", ...FAILED], labels: { layer: "network" } }],
  groupByMessage: false,
  expand: true,
});

const phase = (name, value) => ({
  name,
  matchers: [{ statuses: FAILED, labels: { phase: value } }],
  groupByMessage: true,
  expand: true,
});

// Result folders (one per leg, or per shard of a leg) -> the leg each belongs to, read from the
// prefix of its environment.properties keys ("sqlite.target = embedded"). Shards of a leg
// make one environment; a folder without a leg makes none.
function folders() {
  if (!existsSync(RESULTS)) return [];
  return readdirSync(RESULTS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(RESULTS, entry.name))
    .filter((folder) => existsSync(join(folder, "environment.properties")));
}

function properties(folder) {
  return readFileSync(join(folder, "environment.properties"), "utf-8")
    .split("\n")
    .map((line) => line.split(" = "))
    .filter((pair) => pair.length === 2 && pair[0].includes("."))
    .map(([key, value]) => [key.trim().split("."), value.trim()]);
}

const environments = {};
for (const folder of folders()) {
  for (const [[leg, key], value] of properties(folder)) {
    environments[leg] ??= {
      name: leg,
      variables: {},
      matcher: ({ labels }) => labels.some((l) => l.name === "leg" && l.value === leg),
    };
    environments[leg].variables[key] = value;
  }
}

export default defineConfig({
  name: "Business settings QA",
  output: "reports/allure-report",
  ...(Object.keys(environments).length > 1 ? { environments } : {}),
  ...(HISTORY ? { historyPath: HISTORY, historyLimit: HISTORY_LIMIT } : {}),
  categories: {
    rules: [
      finding("Outside the contract: HTTP hygiene", "hygiene"),
      finding("Outside the contract: drift that contradicts the contract", "drift-contradicts"),
      finding("Outside the contract: drift, documents less", "drift-less"),
      finding("Outside the contract: drift, documents more", "drift-more"),
      finding("Outside the contract: properties the contract does not name", "extension"),
      network("Network: waits, retries and gateway errors (not the contract)"),
      phase("Phase 1: authentication failed", "authentication"),
      phase("Phase 2: fetch failed", "fetch"),
      phase("Phase 3: save failed", "save"),
      phase("Phase 4: persistence failed", "persistence"),
      phase("Contract violations", "contract"),
      phase("Import failures (smoke)", "import"),
      phase("Network failures: the deployment's gateway kept requests from the backend", "network"),
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
