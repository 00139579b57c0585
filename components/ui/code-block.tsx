import { cx } from "./class-names";
import { CopyButton } from "./copy-button";

type CodeBlockProps = {
  code: string;
  /** A caption above the code, e.g. "docker-compose.yml" or "Helm values". */
  title?: string;
  /** Accessible name of the copy button. */
  copyLabel?: string;
  /** Wrap long lines instead of scrolling (the copy button still copies the lines as they are). */
  wrap?: boolean;
  className?: string;
};

/** Monospace text with a copy button, scrolling sideways or wrapped: for references and snippets. */
export function CodeBlock({ code, title, copyLabel = "Copy to clipboard", wrap = false, className }: CodeBlockProps) {
  return (
    <div className={cx("group relative overflow-hidden rounded-lg border border-border bg-surface-muted", className)}>
      {title ? (
        <div className="flex h-9 items-center justify-between border-b border-border pr-1.5 pl-3">
          <span className="font-mono text-xs text-muted">{title}</span>
          <CopyButton value={code} label={copyLabel} />
        </div>
      ) : (
        <CopyButton value={code} label={copyLabel} className="absolute top-1.5 right-1.5 bg-surface-muted" />
      )}
      <pre
        className={cx(
          "px-3 py-2.5 font-mono text-[13px] leading-relaxed text-fg",
          wrap ? "whitespace-pre-wrap [overflow-wrap:anywhere]" : "overflow-x-auto",
          !title && "pr-11",
        )}
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}
