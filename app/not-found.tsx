import type { Metadata } from "next";
import Link from "next/link";
import { GantryMark } from "@/components/gantry-logo";
import { buttonStyles } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6 text-center">
      <GantryMark className="size-9" />
      <p className="mt-6 font-mono text-xs text-muted">404</p>
      <h1 className="mt-1 text-xl font-semibold tracking-tight text-fg">Page not found</h1>
      <p className="mt-2 max-w-sm text-sm text-muted">
        The page may have moved, or the thing it showed was removed. Check the address or start from Releases.
      </p>
      <Link href="/releases" className={buttonStyles({ variant: "primary", className: "mt-6" })}>
        Go to Releases
      </Link>
    </main>
  );
}
