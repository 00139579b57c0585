/** The longest receiver URL Gantry stores. */
export const MAX_WEBHOOK_URL_LENGTH = 2000;

/**
 * Why `value` cannot be a receiver URL, or null. Only the shape is checked here (the form
 * loads this); the address it points at is checked on the server when saving and again at
 * every delivery (webhook-endpoint.ts).
 */
export function webhookUrlProblem(value: string): string | null {
  if (value.length === 0) return "expected the receiver's URL, e.g. https://hooks.example.com/gantry";
  if (value.length > MAX_WEBHOOK_URL_LENGTH)
    return `is ${value.length} characters; at most ${MAX_WEBHOOK_URL_LENGTH} are allowed`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "expected an absolute URL starting with https:// or http://";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return `expected https:// or http://, not ${url.protocol}//`;
  if (url.username || url.password)
    return "must not contain a user name or password: Gantry signs each request instead (put a token in the path if the receiver needs one)";
  if (url.hash) return "must not contain a #fragment";
  if (!url.hostname) return "expected a host name";
  return null;
}
