/**
 * Where to go after sign-in: only a path of this site, never another origin. Browsers read
 * `/\evil.example` as `//evil.example` and drop tabs and newlines (`/%09/evil.example`), so the
 * value is resolved as a browser would and must stay on the same origin.
 */
export function safeCallback(value: string | undefined): string {
  const fallback = "/releases";
  if (!value || !value.startsWith("/")) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return fallback;
  }
  // Control characters and backslashes have no place in a path of ours.
  if (/[\u0000-\u001f\u007f\\]/.test(decoded) || decoded.startsWith("//")) return fallback;
  const base = "http://gantry.invalid";
  const url = new URL(value, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : fallback;
}
