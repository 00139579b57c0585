import { UsageError } from "../command";

const UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
// Every part holds at least a tar header and a useful amount of data.
const MIN_PART = 1024 * 1024;

/** `4G`, `700M`, `1.5G`, `1048576`: binary units as split(1) reads them. */
export function parsePartSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * UNITS[match[2]!.toUpperCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < MIN_PART) {
    throw new UsageError(`--part-size must be a size of at least 1M, like 4G or 700M (got ${JSON.stringify(text)})`);
  }
  return bytes;
}
