import { cx } from "./class-names";

type BytesProps = {
  value: number | bigint;
  className?: string;
};

/** A size such as "1.2 GB" or "30 MB"; the exact byte count is in the tooltip. */
export function Bytes({ value, className }: BytesProps) {
  const bytes = Number(value);
  return (
    <span title={`${exactFormat.format(bytes)} bytes`} className={cx("tabular-nums", className)}>
      {formatBytes(bytes)}
    </span>
  );
}

// Decimal units, as the Docker CLI and registry UIs report image sizes. A fixed locale keeps
// server and client renders identical.
const units = ["B", "kB", "MB", "GB", "TB", "PB"] as const;
const exactFormat = new Intl.NumberFormat("en-US");

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // One decimal below 10 ("1.2 GB"), whole numbers above ("30 MB"); rounding can carry
  // 999.6 up to "1000", which still reads correctly.
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}
