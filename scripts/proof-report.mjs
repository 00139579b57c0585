// Rewrites sections of docs/reliability.md from the JSON the proof tests leave in
// test-results/proof/*.json ({ name, section, rows: [{ area, tried, cases, outcome }] }).
// Each section lives between `<!-- <section>:start -->` and `<!-- <section>:end -->`, so
// parts written by different suites are regenerated independently; text outside the
// markers is left alone. Usage: node scripts/proof-report.mjs [section ...] (default: every
// section found in the results).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
export const resultsDir = path.join(root, "test-results", "proof");
export const reportFile = path.join(root, "docs", "reliability.md");

/** Section headings, for sections this script knows; others are titled by their name. */
const titles = { access: "Bad input and access", hardening: "Security hardening" };

/** The results on disk, grouped by section: { [section]: [{ name, writtenAt, rows }] }. */
export function readResults(dir = resultsDir) {
  const sections = {};
  if (!fs.existsSync(dir)) return sections;
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const result = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
    // Other suites keep other JSON here (raw measurements); only tables with a section count.
    if (typeof result.section !== "string" || !Array.isArray(result.rows)) continue;
    (sections[result.section] ??= []).push({ ...result, name: result.name ?? file.replace(/\.json$/, "") });
  }
  return sections;
}

/** Markdown for one section: a table of what was tried, on how many cases, and the outcome. */
export function renderSection(section, results, intro = "") {
  const rows = results.flatMap((r) => r.rows.map((row) => ({ ...row, source: r.name })));
  const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");
  const newest =
    results
      .map((r) => r.writtenAt)
      .sort()
      .at(-1) ?? "";
  return [
    `## ${titles[section] ?? section}`,
    "",
    ...(intro ? [intro, ""] : []),
    `${rows.length} checks, ${rows.reduce((sum, r) => sum + r.cases, 0)} cases, from ${results.length} result files (newest ${newest.slice(0, 16).replace("T", " ")} UTC). Regenerate with \`npm run test:proof\` or \`node scripts/proof-report.mjs ${section}\`.`,
    "",
    "| area | what was tried | cases | outcome | suite |",
    "|---|---|---:|---|---|",
    ...rows.map((r) => `| ${cell(r.area)} | ${cell(r.tried)} | ${r.cases} | ${cell(r.outcome)} | ${cell(r.source)} |`),
  ].join("\n");
}

/** Replaces (or appends) the text between a section's markers in `file`. */
export function writeSection(section, markdown, file = reportFile) {
  const start = `<!-- ${section}:start -->`;
  const end = `<!-- ${section}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = fs.existsSync(file)
    ? fs.readFileSync(file, "utf8")
    : "# Reliability\n\nWhat Gantry was shown to withstand, with the tests that show it.\n";
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, next);
}

/** Intro text kept at the top of a section: whatever follows the heading up to the summary line. */
function introOf(section, file = reportFile) {
  if (!fs.existsSync(file)) return "";
  const text = fs.readFileSync(file, "utf8");
  const match = new RegExp(`<!-- ${section}:start -->\\n## [^\\n]*\\n\\n([\\s\\S]*?)\\n\\n\\d+ checks, `).exec(text);
  return match?.[1] ?? "";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = readResults();
  const wanted = process.argv.slice(2);
  const sections = wanted.length ? wanted : Object.keys(results);
  if (sections.length === 0) {
    console.log(`no proof results in ${path.relative(root, resultsDir)}: run the proof tests first`);
    process.exit(1);
  }
  for (const section of sections) {
    if (!results[section]) {
      console.log(`no results for section "${section}"`);
      process.exitCode = 1;
      continue;
    }
    writeSection(section, renderSection(section, results[section], introOf(section)));
    console.log(
      `${path.relative(root, reportFile)}: section "${section}" rewritten from ${results[section].length} result files`,
    );
  }
}
