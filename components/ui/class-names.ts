/** Joins class names, skipping falsy parts, so conditional classes read inline. */
export function cx(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(" ");
}
