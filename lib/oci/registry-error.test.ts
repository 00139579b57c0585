import { describe, expect, it } from "vitest";
import { isRetryable } from "./errors";
import { redact } from "./redact";
import { parseDiagnostics, RegistryError } from "./registry-error";

const base = { method: "GET", where: "/v2/team/api/manifests/v1", registry: "r.example.com", side: "target" as const };
const body = (code: string, message = "m") => JSON.stringify({ errors: [{ code, message }] });

describe("RegistryError", () => {
  it("parses the distribution error JSON", () => {
    expect(parseDiagnostics(body("manifest_unknown", "manifest unknown"))).toEqual([
      { code: "MANIFEST_UNKNOWN", message: "manifest unknown" },
    ]);
    expect(parseDiagnostics("<html>bad gateway</html>")).toEqual([]);
    expect(parseDiagnostics(undefined)).toEqual([]);
  });

  it.each([
    [401, body("UNAUTHORIZED"), "auth", false],
    [403, body("DENIED"), "denied", false],
    [404, body("MANIFEST_UNKNOWN"), "not_found", false],
    [413, "", "too_large", false],
    [429, body("TOOMANYREQUESTS"), "network", true],
    [400, body("DIGEST_INVALID"), "digest_mismatch", false],
    [500, body("UNKNOWN", "disk quota exceeded"), "storage", false],
    [507, "", "storage", false],
    [503, body("UNAVAILABLE"), "network", true],
    [502, "<html>", "network", true],
    [500, body("DENIED"), "network", false],
    [404, body("BLOB_UPLOAD_INVALID"), "not_found", true],
  ])("status %i %s → %s, retryable %s", (status, text, kind, retryable) => {
    const error = new RegistryError({ ...base, status, body: text });
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(isRetryable(error)).toBe(retryable);
    expect(error.message).toContain("target r.example.com");
    expect(error.message).not.toContain("\n");
  });

  it("calls a 5xx on a write to the target a storage failure", () => {
    expect(new RegistryError({ ...base, method: "PUT", status: 500, body: "", write: true }).kind).toBe("storage");
    expect(new RegistryError({ ...base, side: "source", status: 500, body: "", write: true }).kind).toBe("network");
  });

  it("says when credentials were missing rather than refused", () => {
    expect(new RegistryError({ ...base, status: 401, body: "", anonymous: true }).message).toMatch(
      /requires credentials .* none were given/,
    );
  });

  it("keeps secrets out of its message", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    const echoed = body(
      "DENIED",
      `token ${jwt} Authorization: Bearer abc.def and Basic Z2FudHJ5OnB3 at https://u:p@host/x?token=s3cr3t`,
    );
    const message = new RegistryError({ ...base, status: 403, body: echoed }).message;
    for (const secret of [jwt, "abc.def", "Z2FudHJ5OnB3", "u:p@", "s3cr3t"]) expect(message).not.toContain(secret);
  });
});

describe("redact", () => {
  it("removes given secrets and credential-looking text", () => {
    expect(redact("password hunter22 in text", ["hunter22"])).toBe("password [redacted] in text");
    expect(redact("X-Amz-Signature=abcdef&x=1")).toBe("X-Amz-Signature=[redacted]&x=1");
  });
});
