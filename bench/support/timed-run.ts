import { execFile } from "node:child_process";

export interface Run {
  seconds: number;
  peakRssKb: number;
}

/** Wall time measured here; peak RSS from GNU time's %M (kilobytes). */
export function timed(command: string, args: string[]): Promise<Run> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(
      "/usr/bin/time",
      ["-f", "GNU-TIME %M", command, ...args],
      { maxBuffer: 64_000_000 },
      (error, stdout, stderr) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (error) return reject(new Error(`${command} ${args.join(" ")} failed: ${stderr || stdout}`));
        const peak = /GNU-TIME (\d+)/.exec(stderr);
        resolve({ seconds, peakRssKb: Number(peak?.[1] ?? NaN) });
      },
    );
  });
}

/** Earlier runs' writes must not be flushed on the next run's time. */
export function settleDisk(): Promise<unknown> {
  return new Promise((resolve) => execFile("sync", resolve));
}

/** "  12.34 s  101 MB": wall time and peak RSS, aligned for a table. */
export function fmt(run: Run): string {
  return `${run.seconds.toFixed(2).padStart(6)} s ${String(Math.round(run.peakRssKb / 1024)).padStart(4)} MB`;
}
