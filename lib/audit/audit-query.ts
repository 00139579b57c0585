import { z } from "zod";
import { UserError } from "@/lib/change/errors";

export const auditPageSizeMax = 200;
export const auditPageSizeDefault = 50;

/** A form or query string sends "" for an untouched field: that means "no filter". */
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const text = (field: string, max: number) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max, `${field} must be at most ${max} characters`).optional());

/** ISO date or date-time; a date-time without a zone (from `<input type="datetime-local">`) is read as UTC. */
const instant = (field: string, endOfDay: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .transform((value, ctx) => {
        const date = parseInstant(value, endOfDay);
        if (!date) {
          ctx.addIssue({
            code: "custom",
            message: `${field} must be a date like 2026-11-23 or 2026-11-23T14:05 (UTC)`,
          });
          return z.NEVER;
        }
        return date;
      })
      .optional(),
  );

/**
 * Filters for the audit history, shared by the page, the JSON API and the export.
 * `action` ending in "." or "*" matches a prefix ("registry." → every registry event).
 */
export const auditQuerySchema = z
  .object({
    actor: text("actor", 200),
    action: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(120, "action must be at most 120 characters")
        .regex(
          /^[A-Za-z0-9_.:-]+\*?$/,
          'action must look like "registry.created", or a prefix like "registry." or "registry*"',
        )
        .optional(),
    ),
    targetType: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .max(60, "targetType must be at most 60 characters")
        .regex(/^[A-Za-z0-9_.:-]+$/, "targetType must be a word like registry or user")
        .optional(),
    ),
    targetId: text("targetId", 200),
    from: instant("from", false),
    to: instant("to", true),
    text: text("text", 200),
    cursor: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^[np]_\d{1,15}_\d{1,19}$/, "cursor is not one this server handed out; start from the first page")
        .optional(),
    ),
    limit: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ message: "limit must be a number" })
        .int("limit must be a whole number")
        .min(1, "limit must be at least 1")
        .max(auditPageSizeMax, `limit must be at most ${auditPageSizeMax}`)
        .default(auditPageSizeDefault),
    ),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"], message: "to must not be before from" })
  .refine((q) => !q.targetId || q.targetType, {
    path: ["targetType"],
    message: "targetType is required when targetId is given",
  });

export type AuditQueryInput = z.input<typeof auditQuerySchema>;
export type AuditQuery = z.output<typeof auditQuerySchema>;
/** The filters alone, as the export uses them. */
export type AuditFilters = Omit<AuditQuery, "cursor" | "limit">;

/** Validates raw filters; a mistake becomes a UserError naming the field, never a 500. */
export function parseAuditQuery(input: unknown): AuditQuery {
  const parsed = auditQuerySchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.join(".") : "query";
  // Our messages already open with the field's name; zod's own ones get it prefixed.
  throw new UserError(issue.message.startsWith(`${field} `) ? issue.message : `${field}: ${issue.message}`, field);
}

/** The filter fields of a query string or Next's `searchParams`, first value of each. */
export function auditQueryFromParams(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): Record<string, string | undefined> {
  const get = (key: string) => {
    if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const keys = ["actor", "action", "targetType", "targetId", "from", "to", "text", "cursor", "limit"] as const;
  return Object.fromEntries(keys.map((key) => [key, get(key)]).filter(([, value]) => value !== undefined));
}

/** The query string for filters (blank ones left out), for links and export URLs. */
export function auditQueryString(filters: Record<string, string | Date | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  return params.toString();
}

export interface AuditCursor {
  /** "next" walks to older events, "prev" to newer ones. */
  direction: "next" | "prev";
  at: Date;
  id: bigint;
}

/** A cursor is the (at, id) of the row to continue after: `n_<ms>_<id>` or `p_<ms>_<id>`. */
export function encodeCursor(cursor: AuditCursor): string {
  return `${cursor.direction === "next" ? "n" : "p"}_${cursor.at.getTime()}_${cursor.id}`;
}

export function decodeCursor(value: string): AuditCursor {
  const [direction, ms, id] = value.split("_");
  return { direction: direction === "p" ? "prev" : "next", at: new Date(Number(ms)), id: BigInt(id!) };
}

/** Postgres has no year 0 (a 22008 error, the connection dropped): only years 1 to 9999 are dates here. */
function parseInstant(value: string, endOfDay: boolean): Date | null {
  const date = parseAnyInstant(value, endOfDay);
  if (!date) return null;
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : null;
}

function parseAnyInstant(value: string, endOfDay: boolean): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`);
    if (Number.isNaN(day.getTime())) return null;
    return endOfDay ? new Date(day.getTime() + 86_400_000 - 1) : day;
  }
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value) ? `${value}Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(withZone)) return null;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? null : date;
}
