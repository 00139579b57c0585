import fs from "node:fs";
import path from "node:path";

/** One line of a proof table: what was tried, on how many cases, and how it came out. */
export interface ProofRow {
  area: string;
  tried: string;
  cases: number;
  outcome: string;
}

/**
 * Collects a test file's proof rows and writes them to test-results/proof/<name>.json, where
 * `scripts/proof-report.mjs` turns them into a section of docs/reliability.md. A row is added
 * only after its assertions held, so a failing test leaves its row out of the report.
 * Plain Node: vitest and Playwright specs both use it.
 */
export function proofLog(name: string, section = "access") {
  const rows: ProofRow[] = [];
  return {
    add(row: ProofRow): void {
      rows.push(row);
    },
    write(): void {
      if (rows.length === 0) return;
      const dir = path.join(process.cwd(), "test-results", "proof");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `${name}.json`),
        `${JSON.stringify({ name, section, writtenAt: new Date().toISOString(), rows }, null, 2)}\n`,
      );
    },
  };
}
