import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/test/fixtures/free-port";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import type { RegistryConnection } from "./connection";
import { testConnection, type ConnectionCheckResult } from "./test-connection";

const guard = { allowLoopback: true };
const CANARY = "canary-Secret-7f3a9c";

let open: RunningRegistry;
let basic: RunningRegistry;
let token: RunningRegistry;
let tls: RunningRegistry;

beforeAll(async () => {
  [open, basic, token, tls] = await Promise.all([
    startRegistry({ auth: "none" }),
    startRegistry({
      auth: "basic",
      users: [
        { username: "gantry", password: "gantry-pass" },
        { username: "canary", password: CANARY },
      ],
    }),
    startRegistry({
      auth: "token",
      users: [
        { username: "gantry", password: "gantry-pass" },
        { username: "reader", password: "reader-pass", access: [{ repository: "*", actions: ["pull"] }] },
        { username: "canary", password: CANARY },
      ],
    }),
    startRegistry({ auth: "basic", tls: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([open, basic, token, tls].map((r) => r?.stop()));
});

function generic(endpoint: string, overrides: Partial<RegistryConnection> = {}): RegistryConnection {
  return { provider: "generic", endpoint, authKind: "anonymous", settings: {}, insecure: true, ...overrides };
}

const basicAuth = (username: string, password: string): Partial<RegistryConnection> => ({
  authKind: "basic",
  username,
  secret: password,
});

function statuses(result: ConnectionCheckResult): string {
  return result.steps.map((s) => `${s.id}:${s.status}`).join(" ");
}

function step(result: ConnectionCheckResult, id: string) {
  const found = result.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
}

describe("testConnection against real registries", () => {
  it("passes every step of an open registry as a target, listing its repositories", async () => {
    const result = await testConnection(generic(open.host), { purpose: "target", guard });
    expect(statuses(result)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:passed list:passed create:skipped push:passed",
    );
    expect(result.ok).toBe(true);
    expect(step(result, "push").message).toBe("started and cancelled an upload in gantry-connection-check");
    expect(step(result, "challenge").message).toMatch(/no authentication/);
    expect(result.steps.every((s) => s.label && s.durationMs >= 0)).toBe(true);
  });

  it("reads a source without trying to push", async () => {
    const result = await testConnection(generic(basic.host, basicAuth("gantry", "gantry-pass")), {
      purpose: "source",
      guard,
    });
    expect(result.ok).toBe(true);
    expect(step(result, "credential").message).toBe("user 'gantry' accepted");
    expect(step(result, "push")).toMatchObject({ status: "skipped", message: "source connections are only read from" });
  });

  it("fails at the credential step on a wrong password, and skips the rest", async () => {
    const result = await testConnection(generic(basic.host, basicAuth("gantry", "wrong-pass")), {
      purpose: "target",
      guard,
    });
    expect(statuses(result)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:failed list:skipped create:skipped push:skipped",
    );
    expect(step(result, "credential").message).toBe(
      "the registry refused user 'gantry' (401): check the password or token",
    );
    expect(step(result, "list").message).toBe("not run: the Credential step failed");
    expect(result.ok).toBe(false);
  });

  it("says so when a registry needs credentials and the connection has none", async () => {
    const result = await testConnection(generic(basic.host), { purpose: "source", guard });
    expect(step(result, "challenge").message).toBe(`username and password (HTTP Basic, realm "gantry-test-registry")`);
    expect(step(result, "credential").message).toMatch(/requires credentials, and the connection has none/);
  });

  it("follows a token service and lists the catalog", async () => {
    const result = await testConnection(
      generic(token.host, { authKind: "bearer", username: "gantry", secret: "gantry-pass" }),
      { purpose: "target", guard },
    );
    expect(result.ok).toBe(true);
    expect(step(result, "challenge").message).toBe(
      `tokens from the token service ${token.tokenServer!.realm} (service "${token.tokenServer!.service}")`,
    );
    expect(step(result, "list").status).toBe("passed");
    expect(
      token.tokenServer!.requests.some(
        (r) => r.account === "gantry" && r.scope.includes("repository:gantry-connection-check:pull,push"),
      ),
    ).toBe(true);
  });

  it("names the token service that refuses a wrong password", async () => {
    const result = await testConnection(generic(token.host, basicAuth("gantry", "nope")), { purpose: "source", guard });
    expect(step(result, "credential")).toMatchObject({ status: "failed" });
    expect(step(result, "credential").message).toBe(
      `the token service ${new URL(token.tokenServer!.realm).host} refused user 'gantry' (401): check the password or token`,
    );
  });

  it("fails at push for a pull-only user, saying the write was denied", async () => {
    const result = await testConnection(
      generic(token.host, { ...basicAuth("reader", "reader-pass"), namespace: "team" }),
      { purpose: "target", guard },
    );
    expect(statuses(result)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:passed list:skipped create:skipped push:failed",
    );
    expect(step(result, "push").message).toMatch(
      /^the credential can read but not write 'team\/gantry-connection-check' \(denied: 401/,
    );
    expect(step(result, "list").message).toMatch(/does not let user 'reader' list its catalog/);
  });

  it("checks TLS with the connection's CA, and explains an untrusted one", async () => {
    const trusted = await testConnection(
      generic(tls.host, { ...basicAuth("gantry", "gantry-pass"), insecure: false, caPem: tls.caPem }),
      { purpose: "target", guard },
    );
    expect(trusted.ok).toBe(true);
    expect(step(trusted, "tls").message).toMatch(
      /^TLSv1\.[23] with a certificate for 127\.0\.0\.1 issued by gantry-test-ca, valid until \d{4}-\d{2}-\d{2}$/,
    );

    const untrusted = await testConnection(
      generic(tls.host, { ...basicAuth("gantry", "gantry-pass"), insecure: false }),
      { purpose: "target", guard },
    );
    expect(step(untrusted, "tls")).toMatchObject({ status: "failed" });
    expect(step(untrusted, "tls").message).toMatch(
      /^the server's certificate is signed by an authority this server doesn't trust \(gantry-test-ca, [A-Z_]+\): add its CA certificate \(PEM\) to the connection$/,
    );
    expect(step(untrusted, "registry").status).toBe("skipped");
  });

  it("says which names a certificate is for when the host is another", async () => {
    const port = tls.host.split(":")[1];
    const result = await testConnection(generic(`registry.b.test:${port}`, { insecure: false, caPem: tls.caPem }), {
      purpose: "source",
      guard: { allowLoopback: true, resolve: async () => [{ address: "127.0.0.1", family: 4 }] },
    });
    expect(step(result, "dns").message).toBe("registry.b.test resolves to 127.0.0.1");
    expect(step(result, "tls").message).toBe(
      "the certificate is for 127.0.0.1, localhost, not registry.b.test: connect with a name the certificate lists, or reissue it for registry.b.test",
    );
  });

  it("tells a TLS registry marked insecure, and a plain one without the mark, apart", async () => {
    const speaksTls = await testConnection(generic(tls.host), { purpose: "source", guard });
    expect(step(speaksTls, "registry").message).toBe(
      `the server at ${tls.host} speaks HTTPS: clear "insecure" on the connection`,
    );
    const plain = await testConnection(generic(open.host, { insecure: false }), { purpose: "source", guard });
    expect(step(plain, "tls").message).toBe(
      `the server at ${open.host} does not speak TLS: if the registry serves plain HTTP, mark the connection insecure`,
    );
  });

  it("fails at TCP on a port nobody listens on", async () => {
    const port = await freePort();
    const result = await testConnection(generic(`127.0.0.1:${port}`), { purpose: "source", guard });
    expect(statuses(result)).toMatch(/^dns:passed tcp:failed tls:skipped/);
    expect(step(result, "tcp").message).toBe(
      `nothing accepts connections on 127.0.0.1:${port} (connection refused): check the port, and that the registry is running`,
    );
  });

  it("fails at DNS on a name that does not resolve", async () => {
    const result = await testConnection(generic("registry.gantry-check.invalid:5000"), { purpose: "source", guard });
    expect(step(result, "dns")).toMatchObject({ status: "failed" });
    expect(step(result, "dns").message).toMatch(
      /^no address found for registry\.gantry-check\.invalid \(ENOTFOUND\): check the host name/,
    );
  });

  it("refuses metadata, link-local and (without the flag) loopback endpoints at the DNS step", async () => {
    const metadata = await testConnection(generic("169.254.169.254"), { purpose: "source", guard });
    expect(step(metadata, "dns").message).toBe(
      "169.254.169.254 is a cloud metadata service address: Gantry does not connect there",
    );
    const linkLocal = await testConnection(generic("[fe80::1]:5000"), { purpose: "source", guard });
    expect(step(linkLocal, "dns").message).toBe("fe80::1 is a link-local address: Gantry does not connect there");
    const google = await testConnection(generic("metadata.google.internal"), { purpose: "source", guard });
    expect(step(google, "dns").message).toBe(
      "metadata.google.internal is a cloud metadata service: Gantry does not connect to it",
    );
    const local = await testConnection(generic(open.host.replace("127.0.0.1", "localhost")), {
      purpose: "source",
      guard: { allowLoopback: false },
    });
    expect(step(local, "dns").message).toBe(
      "localhost resolves to 127.0.0.1, a loopback address (allowed only with GANTRY_ALLOW_LOOPBACK_REGISTRIES=1): Gantry does not connect there",
    );
    expect(step(local, "tcp").status).toBe("skipped");
  });

  it("never puts the secret in a message, right or wrong", async () => {
    const results = await Promise.all([
      testConnection(generic(basic.host, basicAuth("canary", CANARY)), { purpose: "target", guard }),
      testConnection(generic(basic.host, basicAuth("gantry", CANARY)), { purpose: "target", guard }),
      testConnection(generic(token.host, basicAuth("canary", CANARY)), { purpose: "target", guard }),
      testConnection(generic(token.host, basicAuth("nobody", CANARY)), { purpose: "target", guard }),
      testConnection(generic(token.host, { authKind: "bearer", secret: CANARY }), { purpose: "target", guard }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, false]);
    const text = JSON.stringify(results);
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(Buffer.from(`canary:${CANARY}`).toString("base64"));
    expect(text).not.toContain(Buffer.from(`gantry:${CANARY}`).toString("base64"));
  });

  it("gives up on a server that accepts connections and never answers", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const plain = await testConnection(generic(host), { purpose: "source", guard, stepTimeoutMs: 300 });
      expect(statuses(plain)).toMatch(/^dns:passed tcp:passed tls:skipped registry:failed challenge:skipped/);
      expect(step(plain, "registry").message).toBe("no answer within 300 ms");
      const tlsCheck = await testConnection(generic(host, { insecure: false }), {
        purpose: "source",
        guard,
        stepTimeoutMs: 300,
      });
      expect(step(tlsCheck, "tls").message).toBe(
        `the TLS handshake with ${host} did not finish in time: is this port serving TLS?`,
      );
    } finally {
      silent.close();
    }
  });

  it("stops with every remaining step skipped when cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await testConnection(generic(open.host), { purpose: "target", guard, signal: controller.signal });
    expect(result.steps.every((s) => s.status === "skipped" && s.message === "not run: the check was cancelled")).toBe(
      true,
    );
  });
});
