-- DropIndex
DROP INDEX "AuditEvent_at_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_at_id_idx" ON "AuditEvent"("at", "id");

-- Audit search (written by hand; Prisma's schema does not describe these).
-- The text filter matches a substring of the actor, action, target id and detail, so it is
-- backed by trigram indexes: one over the same expression the query uses, one on the actor.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION gantry_audit_search_text("actorLabel" TEXT, "action" TEXT, "targetId" TEXT, "detail" JSONB) RETURNS TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT "actorLabel" || ' ' || "action" || ' ' || coalesce("targetId", '') || ' ' || "detail"::text $$;

CREATE INDEX "AuditEvent_search_trgm_idx" ON "AuditEvent"
  USING gin (gantry_audit_search_text("actorLabel", "action", "targetId", "detail") gin_trgm_ops);

CREATE INDEX "AuditEvent_actorLabel_trgm_idx" ON "AuditEvent" USING gin ("actorLabel" gin_trgm_ops);
