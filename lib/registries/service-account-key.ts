/** The fields of a Google service-account JSON key that Gantry uses. */
export interface ServiceAccountKey {
  type: "service_account";
  project_id: string;
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

const PEM_PRIVATE_KEY =
  /^-----BEGIN (?:RSA )?PRIVATE KEY-----\s*[A-Za-z0-9+/=\s]+-----END (?:RSA )?PRIVATE KEY-----\s*$/;
const SERVICE_ACCOUNT_EMAIL =
  /^[a-z0-9-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.iam\.gserviceaccount\.com$|^[^@\s]+@[a-z0-9.-]+\.gserviceaccount\.com$/;

export type KeyCheck = { ok: true; key: ServiceAccountKey } | { ok: false; problem: string };

/**
 * Checks the shape of a key file as downloaded from the console. Problems name the key's
 * own field; the private key itself never appears in a message.
 */
export function checkServiceAccountKey(json: string): KeyCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, problem: "expected the service account's JSON key file; this is not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problem: "expected the service account's JSON key file; this is not a JSON object" };
  }
  const key = parsed as Record<string, unknown>;
  if (key.type !== "service_account") {
    return { ok: false, problem: `expected "type": "service_account" in the key file (found ${describe(key.type)})` };
  }
  if (typeof key.client_email !== "string" || !SERVICE_ACCOUNT_EMAIL.test(key.client_email)) {
    return {
      ok: false,
      problem: 'expected "client_email": the service account\'s address, like name@project.iam.gserviceaccount.com',
    };
  }
  if (typeof key.private_key !== "string" || !PEM_PRIVATE_KEY.test(key.private_key)) {
    return { ok: false, problem: 'expected "private_key": a PEM private key (-----BEGIN PRIVATE KEY-----…)' };
  }
  if (typeof key.project_id !== "string" || key.project_id.length === 0) {
    return { ok: false, problem: 'expected "project_id": the project the service account belongs to' };
  }
  return {
    ok: true,
    key: {
      type: "service_account",
      project_id: key.project_id,
      client_email: key.client_email,
      private_key: key.private_key,
      ...(typeof key.private_key_id === "string" ? { private_key_id: key.private_key_id } : {}),
    },
  };
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value).slice(0, 40);
}
