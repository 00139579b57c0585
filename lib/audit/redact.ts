const secretKey = /(password|secret|token|credential|private.?key|authorization|cookie|ciphertext)/i;

/** A copy of `value` with every secret-looking field replaced, at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        secretKey.test(key) && inner !== null && inner !== undefined && inner !== ""
          ? "[redacted]"
          : redactSecrets(inner),
      ]),
    );
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
