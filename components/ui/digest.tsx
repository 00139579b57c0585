import { cx } from "./class-names";
import { CopyButton } from "./copy-button";

type DigestProps = {
  /** A full digest, e.g. `sha256:<64 hex>`. */
  value: string;
  /** Hex characters kept at the start and end of the encoded part. */
  head?: number;
  tail?: number;
  copyable?: boolean;
  className?: string;
};

/** `sha256:3f9a1c2e…9b0d`, with the full digest in the tooltip and a copy button. */
export function Digest({ value, head = 8, tail = 4, copyable = true, className }: DigestProps) {
  return (
    <span className={cx("inline-flex max-w-full items-center gap-0.5 align-middle", className)}>
      <code title={value} className="truncate font-mono text-[13px] text-fg">
        <span className="sr-only">{value}</span>
        <span aria-hidden="true">{shortDigest(value, head, tail)}</span>
      </code>
      {copyable ? <CopyButton value={value} label="Copy digest" size="icon-xs" /> : null}
    </span>
  );
}

export function shortDigest(value: string, head = 8, tail = 4): string {
  const separator = value.indexOf(":");
  const algorithm = separator === -1 ? "" : value.slice(0, separator + 1);
  const encoded = value.slice(separator + 1);
  if (encoded.length <= head + tail + 1) return value;
  return `${algorithm}${encoded.slice(0, head)}…${encoded.slice(-tail)}`;
}
