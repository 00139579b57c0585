-- Appends a transaction's audit events to the hash chain in one statement. Under the chain's
-- lock each event links to the newest event before it and is hashed here, so the lock is held
-- from this statement to the COMMIT that follows it, not across a round trip per statement
-- (lock, read the newest hash, insert) of a process that may be busy or niced.
--
-- `events` is a JSON array; each element carries the event's columns and its canonical JSON
-- (lib/audit/audit-hash.ts) cut around the previous hash, set here: `beforePrevHash` ||
-- prevHash || `rest`. The hash is SHA-256 of that text, as auditHash computes it.
CREATE FUNCTION gantry_append_audit_events(events JSONB, lock_key BIGINT) RETURNS INTEGER AS $$
DECLARE
  prev TEXT;
  event JSONB;
  hashed TEXT;
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  -- A statement of its own, and the function is VOLATILE: it takes a fresh snapshot, so it sees
  -- the event the lock's previous holder committed.
  SELECT "hash" INTO prev FROM "AuditEvent" ORDER BY "id" DESC LIMIT 1;
  prev := COALESCE(prev, repeat('0', 64));
  FOR event IN SELECT value FROM jsonb_array_elements(events) LOOP
    hashed := encode(sha256(convert_to((event->>'beforePrevHash') || prev || (event->>'rest'), 'UTF8')), 'hex');
    INSERT INTO "AuditEvent"
      ("at", "actorId", "actorLabel", "action", "targetType", "targetId", "detail", "ip", "userAgent", "prevHash", "hash")
    VALUES
      ((event->>'at')::TIMESTAMP(3), event->>'actorId', event->>'actorLabel', event->>'action', event->>'targetType',
       event->>'targetId', event->'detail', event->>'ip', event->>'userAgent', prev, hashed);
    prev := hashed;
  END LOOP;
  RETURN jsonb_array_length(events);
END;
$$ LANGUAGE plpgsql VOLATILE;
