"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Renders the page again every second while an export is queued or running, so its bytes move on screen. */
export function LiveRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), 1000);
    return () => clearInterval(timer);
  }, [active, router]);
  return null;
}
