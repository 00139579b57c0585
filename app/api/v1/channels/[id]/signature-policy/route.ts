import { apiChange } from "@/lib/api/api-route";
import { setSignaturePolicy } from "@/lib/releases/signature-policy";

/**
 * `PUT /api/v1/channels/{id}/signature-policy` (admins) with `{"mode": "off"}`,
 * `{"mode": "keys", "publicKeys": ["-----BEGIN PUBLIC KEY-----…"]}` or
 * `{"mode": "keyless", "issuer": "…", "subject": "…"}` (or `"subjectPattern"`).
 */
export const PUT = apiChange(setSignaturePolicy, {
  input: (body, params) => ({ channelId: params.id, policy: body }),
});
