import { cx } from "./ui/class-names";

/** The Gantry mark: a gantry crane with a container on its hoist. Inline so it follows the theme. */
export function GantryMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={cx("shrink-0", className ?? "size-7")} aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" className="fill-accent" />
      <g className="stroke-accent-fg" strokeWidth="2.2" strokeLinecap="round" fill="none">
        <path d="M5 8.5h22.5M8.5 8.5V25M17 8.5V25M23.5 8.5V13" />
      </g>
      <rect x="19.5" y="13" width="8" height="6" rx="1.1" className="fill-accent-fg" />
    </svg>
  );
}

/** Mark + name, for the sidebar and the sign-in screens. */
export function GantryWordmark({ className }: { className?: string }) {
  return (
    <span className={cx("inline-flex items-center gap-2.5", className)}>
      <GantryMark />
      <span className="text-[15px] font-semibold tracking-tight text-fg">Gantry</span>
    </span>
  );
}
