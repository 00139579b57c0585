/**
 * The few tar records a bundle needs, written and read by hand: a bundle is a plain tar whose
 * every entry is a regular file or a directory, so a library buys nothing but a dependency.
 * Headers are POSIX ustar; an entry of 8 GiB or more (past ustar's 11 octal digits) gets a
 * pax extended header with its `size`, and its ustar size field in GNU base-256 too, so GNU
 * tar, bsdtar and Go's archive/tar (skopeo) all read it.
 */
export const BLOCK = 512;

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

const MAX_OCTAL_SIZE = 8 ** 11 - 1;

export interface TarEntryHeader {
  name: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  type: "file" | "directory";
}

/** The bytes that precede an entry's content: one ustar block, or a pax header, its record and the ustar block. */
export function encodeHeader(entry: TarEntryHeader): Buffer {
  if (Buffer.byteLength(entry.name) > 100) throw new RangeError(`tar entry name ${entry.name} is over 100 bytes`);
  if (entry.size <= MAX_OCTAL_SIZE) return ustar(entry, entry.type === "directory" ? "5" : "0", entry.size);
  const record = paxRecord("size", String(entry.size));
  const pax = ustar(
    { name: `PaxHeaders/${entry.name}`.slice(0, 100), size: record.length, mtime: entry.mtime, type: "file" },
    "x",
    record.length,
  );
  return Buffer.concat([pax, record, Buffer.alloc(paddingOf(record.length)), ustar(entry, "0", entry.size)]);
}

/** Zero bytes after content of `size` to reach the next block. */
export function paddingOf(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

export type ParsedHeader =
  { kind: "end" } | { kind: "entry"; name: string; size: number; typeflag: string } | { kind: "invalid"; why: string };

/** Reads one 512-byte header block (pax and GNU long-name records are typeflags the caller handles). */
export function decodeHeader(block: Buffer): ParsedHeader {
  if (block.length !== BLOCK) return { kind: "invalid", why: "the archive ends inside a header" };
  if (block.every((b) => b === 0)) return { kind: "end" };
  const stored = parseOctal(block.subarray(148, 156));
  if (stored === undefined || stored !== checksumOf(block))
    return { kind: "invalid", why: "a header checksum is wrong" };
  const size = parseSize(block.subarray(124, 136));
  if (size === undefined) return { kind: "invalid", why: "a header size is unreadable" };
  const prefix = cString(block.subarray(345, 500));
  const name = cString(block.subarray(0, 100));
  const magic = block.subarray(257, 263).toString("latin1");
  const full = magic.startsWith("ustar") && prefix ? `${prefix}/${name}` : name;
  return { kind: "entry", name: full, size, typeflag: String.fromCharCode(block[156] || 48) };
}

/** The `key=value` records of a pax extended header. */
export function parsePax(bytes: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < bytes.length) {
    const space = bytes.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(bytes.subarray(at, space).toString("latin1"));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = bytes.subarray(space + 1, at + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

function ustar(entry: TarEntryHeader, typeflag: string, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(entry.name, 0, 100, "utf8");
  writeOctal(block, 100, 8, entry.type === "directory" ? 0o755 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  if (size <= MAX_OCTAL_SIZE) writeOctal(block, 124, 12, size);
  else writeBase256(block, 124, 12, size);
  writeOctal(block, 136, 12, entry.mtime);
  block.write(typeflag, 156, 1, "latin1");
  block.write("ustar\u000000", 257, 8, "latin1");
  block.fill(0x20, 148, 156);
  const sum = checksumOf(block);
  block.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, 8, "latin1");
  return block;
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  // The length prefix counts itself: grow it until it does.
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length++;
  return Buffer.from(`${length}${body}`, "utf8");
}

function checksumOf(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, "0")}\u0000`, offset, width, "latin1");
}

function writeBase256(block: Buffer, offset: number, width: number, value: number): void {
  let rest = BigInt(value);
  for (let i = offset + width - 1; i > offset; i--) {
    block[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  block[offset] = 0x80;
}

function parseSize(field: Buffer): number | undefined {
  if ((field[0]! & 0x80) !== 0) {
    let value = 0n;
    for (let i = 1; i < field.length; i++) value = (value << 8n) | BigInt(field[i]!);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  }
  return parseOctal(field);
}

function parseOctal(field: Buffer): number | undefined {
  const text = cString(field).trim();
  if (!/^[0-7]*$/.test(text)) return undefined;
  return text ? parseInt(text, 8) : 0;
}

function cString(field: Buffer): string {
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString("utf8");
}
