import { afterEach, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { proofLog } from "./support/proof-results";
import { proxy } from "@/proxy";

const proof = proofLog("hsts", "hardening");
const original = process.env.NEXTAUTH_URL;
afterEach(() => {
  process.env.NEXTAUTH_URL = original;
  proof.write();
});

describe("proxy", () => {
  it("sends HSTS when GANTRY_URL (NEXTAUTH_URL) is https, and not over plain http", () => {
    process.env.NEXTAUTH_URL = "https://gantry.example.com";
    const secure = proxy(new NextRequest("https://gantry.example.com/releases"));
    expect(secure.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    process.env.NEXTAUTH_URL = "http://localhost:3000";
    expect(
      proxy(new NextRequest("http://localhost:3000/releases")).headers.get("strict-transport-security"),
    ).toBeNull();
    proof.add({
      area: "headers",
      tried: "a console page with GANTRY_URL https://… and with http://localhost:3000",
      cases: 2,
      outcome: "Strict-Transport-Security: max-age=31536000; includeSubDomains with https only",
    });
  });
});
