import fs from "node:fs";
import path from "node:path";

/** One line of the faults table: what was done to a running promotion, how often, and how it ended. */
export interface FaultRow {
  area: string;
  tried: string;
  /** How many times it was tried (runs, or injected faults where that is the count). */
  cases: number;
  outcome: string;
}

const dir = () => path.join(process.cwd(), "test-results", "proof");

/**
 * Collects a fault test file's rows. `write()` stores them as a fragment of their own
 * (test-results/proof/faults.d/<name>.json: test files run in parallel processes) and then
 * rebuilds test-results/proof/faults.json from every fragment present, which
 * scripts/test-proof.mjs turns into the faults section of docs/reliability.md. A row is
 * added only once its assertions held, so a failing test leaves its row out.
 */
export function faultLog(name: string) {
  const rows: FaultRow[] = [];
  return {
    add(row: FaultRow): void {
      rows.push(row);
    },
    write(): void {
      if (rows.length === 0) return;
      const fragments = path.join(dir(), "faults.d");
      fs.mkdirSync(fragments, { recursive: true });
      writeAtomically(path.join(fragments, `${name}.json`), {
        name,
        section: "faults",
        writtenAt: new Date().toISOString(),
        rows,
      });
      const files = fs
        .readdirSync(fragments)
        .filter((f) => f.endsWith(".json"))
        .sort();
      const all = files.map(
        (f) =>
          JSON.parse(fs.readFileSync(path.join(fragments, f), "utf8")) as {
            name: string;
            writtenAt: string;
            rows: FaultRow[];
          },
      );
      writeAtomically(path.join(dir(), "faults.json"), {
        name: "faults",
        section: "faults",
        writtenAt: new Date().toISOString(),
        files: all.map((f) => ({ name: f.name, writtenAt: f.writtenAt })),
        rows: all.flatMap((f) => f.rows),
      });
    },
  };
}

function writeAtomically(file: string, value: unknown): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(temp, file);
}
