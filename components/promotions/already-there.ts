import { formatBytes } from "@/lib/oci/format-bytes";

/** " · 34 MB already there", or nothing: bytes the target had, counted as done without moving. */
export function alreadyThereText(bytes: number): string {
  return bytes > 0 ? ` · ${formatBytes(bytes)} already there` : "";
}
