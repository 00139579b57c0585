import type { ReactNode } from "react";
import { GantryWordmark } from "@/components/gantry-logo";

/** Sign-in and first-run pages: one centred card, no navigation. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 bg-canvas px-4 py-12">
      <GantryWordmark />
      <div className="w-full max-w-sm rounded-lg border border-border bg-surface p-6 shadow-sm">{children}</div>
      <p className="max-w-sm text-center text-xs text-muted">
        Gantry moves your vendor&apos;s release images into your own registries.
      </p>
    </main>
  );
}
