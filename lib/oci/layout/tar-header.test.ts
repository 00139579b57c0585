import { execFile } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleFiles } from "./bundle-files";
import { listTarEntries } from "./read-bundle";
import { decodeHeader, encodeHeader, END_OF_ARCHIVE, paddingOf } from "./tar-header";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gantry-tar-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("tar headers", () => {
  it("round-trips ustar headers", () => {
    const header = encodeHeader({ name: "blobs/sha256/abc", size: 12345, mtime: 1_700_000_000, type: "file" });
    expect(header.length).toBe(512);
    expect(decodeHeader(header)).toEqual({ kind: "entry", name: "blobs/sha256/abc", size: 12345, typeflag: "0" });
    const broken = Buffer.from(header);
    broken[10] = 0x41;
    expect(decodeHeader(broken)).toMatchObject({ kind: "invalid", why: "a header checksum is wrong" });
  });

  it("writes an entry past 8 GiB that GNU tar and our reader both size right (pax size + base-256)", async () => {
    const size = 8 * 1024 ** 3 + 5;
    const file = path.join(dir, "big.tar");
    const small = Buffer.from("hello");
    const parts = [
      encodeHeader({ name: "small", size: small.length, mtime: 0, type: "file" }),
      small,
      Buffer.alloc(paddingOf(small.length)),
      encodeHeader({ name: "blobs/sha256/huge", size, mtime: 0, type: "file" }),
    ];
    const handle = await open(file, "w");
    let at = 0;
    for (const part of parts) {
      await handle.write(part, 0, part.length, at);
      at += part.length;
    }
    // Sparse: the 8 GiB of content costs no disk.
    at += size + paddingOf(size);
    await handle.write(END_OF_ARCHIVE, 0, END_OF_ARCHIVE.length, at);
    await handle.close();
    const { stdout } = await promisify(execFile)("tar", ["tvf", file]);
    expect(stdout).toMatch(new RegExp(`${size} .*blobs/sha256/huge`));
    const entries = await listTarEntries(await BundleFiles.open(file));
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ["small", 5],
      ["blobs/sha256/huge", size],
    ]);
  });
});
