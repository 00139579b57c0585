/**
 * One readable line for an event, built from its action and `{ before, after }` detail, so
 * new kinds of events read sensibly without a template each:
 * `registry.updated` on "quay" with approvalsRequired 0 → 1 reads
 * `Updated registry "quay": approvalsRequired 0 → 1`.
 */
export function describeAuditEvent(event: {
  action: string;
  targetType: string;
  targetId: string | null;
  detail: unknown;
  /** What a person knows the target by (lib/audit/audit-target-labels.ts), when it still exists. */
  targetLabel?: string | null;
}): string {
  const detail = asRecord(event.detail);
  const before = asRecord(detail.before);
  const after = asRecord(detail.after);
  const verb = humanVerb(event.action);
  const name = pickName(after) ?? pickName(before) ?? pickName(detail);
  const known = name ? ` "${name}"` : event.targetLabel ? ` ${event.targetLabel}` : null;
  const subject = `${event.targetType.replace(/[_-]/g, " ")}${known ?? (event.targetId ? ` ${event.targetId}` : "")}`;
  const changes = changedFields(before, after);
  // An event about one image of a promotion names the component first: "Image pushed: vendor/api (promotion …)".
  const component = typeof detail.component === "string" ? detail.component : null;
  const head = component ? `${verb}: ${component} (${subject})` : `${verb} ${subject}`;
  if (changes.length)
    return `${head}: ${changes.slice(0, 4).join(", ")}${changes.length > 4 ? `, +${changes.length - 4} more` : ""}`;
  return head;
}

function humanVerb(action: string): string {
  const last = action.split(".").pop() ?? action;
  const words = last.replace(/[_-]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : action;
}

function pickName(record: Record<string, unknown>): string | null {
  for (const key of ["name", "email", "tag", "file"]) {
    const value = record[key];
    if (typeof value === "string" && value) return clip(value, 60);
  }
  return null;
}

/** `field old → new` for every top-level field whose value differs between before and after. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  if (!Object.keys(before).length || !Object.keys(after).length) return [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) =>
      key === "status"
        ? `status ${statusWords(before[key])} → ${statusWords(after[key])}`
        : `${key} ${short(before[key])} → ${short(after[key])}`,
    );
}

/** `awaiting_approval` reads "awaiting approval". */
function statusWords(value: unknown): string {
  return typeof value === "string" ? value.replace(/_/g, " ") : short(value);
}

function short(value: unknown): string {
  if (value === undefined || value === null) return "∅";
  return clip(typeof value === "string" ? value : JSON.stringify(value), 40);
}

/** One line, at most `max` characters. */
function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
