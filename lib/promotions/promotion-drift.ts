/** A promoted tag that no longer holds what Gantry put there; `found` is null when the tag is gone. */
export interface DriftedTag {
  component: string;
  expected: string;
  found: string | null;
}

/** The drift watch's last finding for a promotion: when it looked, and which tags moved or are gone. */
export interface PromotionDrift {
  checkedAt: string | null;
  drifted: DriftedTag[];
}

/** The drift stored on a promotion (a list of DriftedTag); anything else reads as none. */
export function storedDrift(value: unknown): DriftedTag[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is DriftedTag =>
      typeof entry === "object" &&
      entry !== null &&
      typeof (entry as DriftedTag).component === "string" &&
      typeof (entry as DriftedTag).expected === "string",
  );
}
