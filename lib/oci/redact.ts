/**
 * Strips what could be a secret from text that becomes an error message: registry error
 * bodies and URLs are echoed to people and may reach a browser.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]")
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted-jwt]")
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, "$1[redacted]@")
    .replace(
      /\b(access_token|token|password|secret|refresh_token|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|sig|signature)=[^&\s]+/gi,
      "$1=[redacted]",
    );
}

/** A URL for a message: path only for the registry's own host, origin + path elsewhere, never a query. */
export function describeUrl(url: URL | string): string {
  const parsed = typeof url === "string" ? new URL(url) : url;
  return `${parsed.host}${parsed.pathname}`;
}

/** One line, at most `max` characters, secrets removed. */
export function oneLine(text: string, max = 300): string {
  const flat = redact(text).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
