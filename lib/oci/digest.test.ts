import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { assertDigest, createDigestVerifier, digestOf, isDigest } from "./digest";
import { DigestMismatchError } from "./errors";

function sink() {
  const chunks: Buffer[] = [];
  return { chunks, stream: new Writable({ write: (chunk: Buffer, _e, cb) => (chunks.push(chunk), cb()) }) };
}
const parts = [Buffer.from("hello "), Buffer.from("blob "), Buffer.from("world")];
const whole = Buffer.concat(parts);

describe("digests", () => {
  it("validates sha256 and sha512 digests", () => {
    expect(isDigest(digestOf(whole))).toBe(true);
    expect(isDigest(digestOf(whole, "sha512"))).toBe(true);
    expect(isDigest(`sha256:${"a".repeat(63)}`)).toBe(false);
    expect(isDigest(`md5:${"a".repeat(32)}`)).toBe(false);
    expect(() => assertDigest("sha256:xyz", "layer digest")).toThrow(/layer digest "sha256:xyz" is not a valid digest/);
  });

  it("passes matching bytes through unchanged and reports progress", async () => {
    const out = sink();
    let seen = 0;
    const verifier = createDigestVerifier({ digest: digestOf(whole), size: whole.length, onBytes: (n) => (seen += n) });
    await pipeline(Readable.from(parts), verifier, out.stream);
    expect(Buffer.concat(out.chunks)).toEqual(whole);
    expect(seen).toBe(whole.length);
  });

  it("fails on a wrong digest without letting the last bytes through", async () => {
    const out = sink();
    const verifier = createDigestVerifier({
      digest: digestOf(Buffer.from("other")),
      size: whole.length,
      side: "source",
    });
    const failure = pipeline(Readable.from(parts), verifier, out.stream);
    await expect(failure).rejects.toBeInstanceOf(DigestMismatchError);
    await expect(failure).rejects.toThrow(/from the source registry has bytes hashing to sha256:/);
    expect(Buffer.concat(out.chunks).length).toBeLessThan(whole.length);
  });

  it("fails as soon as more bytes arrive than declared, and when fewer do", async () => {
    const tooMany = pipeline(
      Readable.from(parts),
      createDigestVerifier({ digest: digestOf(whole), size: 7 }),
      sink().stream,
    );
    await expect(tooMany).rejects.toThrow(/more than the 7 bytes/);
    const tooFew = pipeline(
      Readable.from(parts),
      createDigestVerifier({ digest: digestOf(whole), size: 99 }),
      sink().stream,
    );
    await expect(tooFew).rejects.toThrow(/16 bytes where its descriptor declares 99/);
  });
});
