import type { Writable } from "node:stream";
import type { ImageResult } from "@/lib/oci/copy-types";
import { formatBytes } from "@/lib/oci/format-bytes";
import type { CopyProgressEvent, ImageProgressEvent } from "@/lib/oci/progress";

export interface ProgressRenderer {
  onProgress(event: CopyProgressEvent): void;
  finish(results: ImageResult[]): void;
}

/** `--json`: every progress event and every result as one JSON line. */
/** JSON lines with --json, a redrawn bar per image on a terminal, plain lines otherwise. */
export function progressRendererFor(io: { stdout: Writable; isTTY?: boolean }, json: boolean): ProgressRenderer {
  if (json) return jsonLinesRenderer(io.stdout);
  return io.isTTY ? terminalRenderer(io.stdout) : plainRenderer(io.stdout);
}

export function jsonLinesRenderer(out: Writable): ProgressRenderer {
  return {
    onProgress: (event) => out.write(`${JSON.stringify(event)}\n`),
    finish: (results) =>
      results.forEach((result) => out.write(`${JSON.stringify({ type: "result", ...publicResult(result) })}\n`)),
  };
}

/** A result as --json prints it: the pushed manifest's bytes stay in the library (its digest names them). */
function publicResult(result: ImageResult): Omit<ImageResult, "manifestBytes"> {
  if (result.status !== "pushed") return result;
  const { manifestBytes: _bytes, ...rest } = result;
  return rest;
}

/** Not a terminal: one line per image when it ends. */
export function plainRenderer(out: Writable): ProgressRenderer {
  return { onProgress: () => undefined, finish: (results) => results.forEach((r) => out.write(`${resultLine(r)}\n`)) };
}

/** A terminal: a bar per image (bytes, rate, ETA), redrawn in place. */
export function terminalRenderer(out: Writable, now: () => number = Date.now): ProgressRenderer {
  const images = new Map<
    number,
    { event: ImageProgressEvent; startedAt: number; rate: number; lastBytes: number; lastAt: number }
  >();
  // Per image, blobs that settled without moving (mounted from another repository, or present):
  // their bytes count as done but are not transfer, so they stay out of the rate.
  const skipped = new Map<number, Map<string, { state: "mounted" | "present"; size: number }>>();
  const skippedBytes = (index: number, state?: "mounted" | "present") =>
    [...(skipped.get(index)?.values() ?? [])]
      .filter((b) => !state || b.state === state)
      .reduce((sum, b) => sum + b.size, 0);
  let drawn = 0;
  const draw = () => {
    const lines = [...images.values()]
      .sort((a, b) => a.event.imageIndex - b.event.imageIndex)
      .map((i) => barLine(i.event, i.rate, skippedBytes(i.event.imageIndex, "mounted")));
    out.write(`${drawn ? `\x1b[${drawn}F` : ""}${lines.map((l) => `\x1b[2K${l}\n`).join("")}`);
    drawn = lines.length;
  };
  return {
    onProgress(event) {
      if (event.type === "blob") {
        if (event.state === "mounted" || event.state === "present") {
          const blobs = skipped.get(event.imageIndex) ?? new Map();
          blobs.set(event.digest, { state: event.state, size: event.bytesTotal });
          skipped.set(event.imageIndex, blobs);
        }
        return;
      }
      const at = now();
      const moved = event.bytesDone - skippedBytes(event.imageIndex);
      const entry = images.get(event.imageIndex) ?? {
        event,
        startedAt: at,
        rate: 0,
        lastBytes: moved,
        lastAt: at,
      };
      const dt = (at - entry.lastAt) / 1000;
      if (dt > 0) {
        const instant = Math.max(0, moved - entry.lastBytes) / dt;
        entry.rate = entry.rate ? entry.rate * 0.7 + instant * 0.3 : instant;
        entry.lastBytes = moved;
        entry.lastAt = at;
      }
      entry.event = event;
      images.set(event.imageIndex, entry);
      draw();
    },
    finish(results) {
      draw();
      results.forEach((r) => out.write(`${resultLine(r)}\n`));
    },
  };
}

const WIDTH = 24;

function barLine(event: ImageProgressEvent, rate: number, mountedBytes: number): string {
  const fraction =
    event.bytesTotal > 0 ? Math.min(1, event.bytesDone / event.bytesTotal) : event.state === "pushed" ? 1 : 0;
  const filled = Math.round(fraction * WIDTH);
  const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
  const name = event.target.length > 40 ? `…${event.target.slice(-39)}` : event.target.padEnd(40);
  const bytes = `${formatBytes(event.bytesDone)} / ${formatBytes(event.bytesTotal)}`;
  const left = event.bytesTotal - event.bytesDone;
  const mounted = mountedBytes > 0 ? `  (${formatBytes(mountedBytes)} mounted)` : "";
  const tail =
    event.state === "transferring" && rate > 0
      ? `${formatBytes(rate)}/s  ETA ${formatDuration(left / rate)}${mounted}`
      : `${event.state}${mounted}`;
  return `${name} ${bar} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${bytes}  ${tail}`;
}

export function resultLine(result: ImageResult): string {
  switch (result.status) {
    case "pushed": {
      const how = result.upToDate
        ? "already up to date"
        : `${result.blobs.uploaded} blobs uploaded (${formatBytes(result.bytesTransferred)}), ${result.blobs.mounted} mounted, ${result.blobs.present} present`;
      const filtered = result.platformFiltered ? ` (platform filter: source index was ${result.sourceDigest})` : "";
      return `pushed  ${result.target}@${result.digest}: ${how}${filtered}`;
    }
    case "failed":
      return `failed  ${result.target}: ${result.kind}: ${withCliFlags(result.message)}`;
    case "stopped":
      return `stopped ${result.target}`;
  }
}

/** lib/oci says "mark it insecure" (a console's words); on the command line that is a flag. */
export function withCliFlags(message: string): string {
  return message.replace(
    /mark (it|the connection) insecure/g,
    "pass --insecure (or --src-insecure / --dest-insecure for one side)",
  );
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, "0")}s`;
}
