import { formatBytes } from "@/lib/oci/format-bytes";
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

const exactFormat = new Intl.NumberFormat("en-US");
