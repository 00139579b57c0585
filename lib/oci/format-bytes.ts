// Decimal units, as the Docker CLI and registry UIs report image sizes.
const units = ["B", "kB", "MB", "GB", "TB", "PB"] as const;

/** 1.2 GB, 734 MB, 4.5 kB: one decimal below 10, whole numbers above; "—" for no size. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // Rounding can carry 999.6 up to "1000", which still reads correctly.
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}
