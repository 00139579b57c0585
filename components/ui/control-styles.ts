/**
 * The shared look of text-like controls. Invalid state is driven by `aria-invalid`, which
 * `Field` sets, so the visual and the accessible state cannot disagree.
 */
export const controlClasses = [
  "block w-full rounded-md border border-border-strong bg-surface px-2.5 text-sm text-fg shadow-xs",
  "placeholder:text-subtle",
  "focus-visible:border-focus focus-visible:outline-3 focus-visible:outline-offset-0 focus-visible:outline-focus/35",
  "disabled:cursor-not-allowed disabled:bg-surface-muted disabled:text-muted",
  "aria-invalid:border-danger aria-invalid:focus-visible:outline-danger/35",
].join(" ");
