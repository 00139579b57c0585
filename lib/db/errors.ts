/** Postgres/Prisma unique-constraint violation (P2002, or SQLSTATE 23505 from raw SQL). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "P2002" || e?.code === "23505" || e?.cause?.code === "23505";
}

/** A foreign key refused the write (P2003, or SQLSTATE 23503 from raw SQL). */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "P2003" || e?.code === "23503" || e?.cause?.code === "23503";
}
