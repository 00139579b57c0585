import { createReadStream } from "node:fs";
import { open, rename, rm, stat, truncate, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";

/** `bundle.tar.001`, `.002`, …: the names of a bundle split with a part size. */
export function partName(path: string, index: number): string {
  return `${path}.${String(index + 1).padStart(3, "0")}`;
}

const PART_SUFFIX = /\.(\d{3})$/;
// Reads of 256 KiB kept import's peak RSS near 100 MB where 1 MiB reads reached ~150 MB
// (bench/bundle.sh, four uploads at once); writes are batched to 1 MiB per writev.
const READ_CHUNK = 256 * 1024;
const WRITE_BATCH = 1024 * 1024;

/**
 * A bundle as one byte range, whether it is one file or numbered parts (`FILE.001`, …, which
 * joined with `cat` are the same tar). Reads are by offset: nothing is unpacked.
 */
export class BundleFiles {
  private constructor(
    readonly path: string,
    private readonly parts: { path: string; start: number; size: number }[],
  ) {}

  /** `FILE` itself, else `FILE.001`, `FILE.002`… (FILE may also name its first part). */
  static async open(path: string): Promise<BundleFiles> {
    const base = PART_SUFFIX.test(path) && (await sizeOf(path)) !== undefined ? path.replace(PART_SUFFIX, "") : path;
    const whole = base === path ? await sizeOf(path) : undefined;
    if (whole !== undefined) return new BundleFiles(path, [{ path, start: 0, size: whole }]);
    const parts: { path: string; start: number; size: number }[] = [];
    for (let i = 0, start = 0; ; i++) {
      const size = await sizeOf(partName(base, i));
      if (size === undefined) break;
      parts.push({ path: partName(base, i), start, size });
      start += size;
    }
    if (parts.length === 0) throw new Error(`${path}: no such file (nor ${partName(base, 0)})`);
    return new BundleFiles(base, parts);
  }

  /** The given files, in order, as one range (an export's staging files). */
  static async ofFiles(path: string, files: string[]): Promise<BundleFiles> {
    const parts: { path: string; start: number; size: number }[] = [];
    for (let i = 0, start = 0; i < files.length; i++) {
      const size = (await sizeOf(files[i]!)) ?? 0;
      parts.push({ path: files[i]!, start, size });
      start += size;
    }
    return new BundleFiles(path, parts);
  }

  get size(): number {
    const last = this.parts.at(-1)!;
    return last.start + last.size;
  }

  get partCount(): number {
    return this.parts.length;
  }

  /** Reads a small range whole (headers, manifests); short at the end of the bundle. */
  async read(offset: number, length: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream(offset, length)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Streams `length` bytes from `offset`, across part boundaries. */
  stream(offset: number, length: number): Readable {
    const spans = this.parts
      .map((p) => ({
        path: p.path,
        from: Math.max(offset, p.start) - p.start,
        to: Math.min(offset + length, p.start + p.size) - p.start,
      }))
      .filter((s) => s.to > s.from);
    return Readable.from(
      (async function* () {
        for (const span of spans) {
          yield* createReadStream(span.path, { start: span.from, end: span.to - 1, highWaterMark: READ_CHUNK });
        }
      })(),
      { objectMode: false },
    );
  }
}

/**
 * Writes one logical byte stream into a file, or into parts of `partSize` bytes, each under a
 * `.partial` name until `finish()` renames them all. `open` with `at` keeps what an earlier
 * run wrote up to that offset and cuts the rest, so an interrupted export resumes in place.
 */
export class PartWriter {
  private handle?: FileHandle;
  private handlePart = -1;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  private constructor(
    private readonly path: string,
    private readonly partSize: number | undefined,
    private position: number,
  ) {}

  static async open(options: { path: string; partSize?: number; at: number }): Promise<PartWriter> {
    const writer = new PartWriter(options.path, options.partSize, 0);
    await writer.cut(options.at);
    return writer;
  }

  get offset(): number {
    return this.position + this.bufferedBytes;
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes >= WRITE_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    while (this.bufferedBytes > 0) {
      const part = this.partSize ? Math.floor(this.position / this.partSize) : 0;
      const room = this.partSize ? (part + 1) * this.partSize - this.position : Infinity;
      const chunks = takeBytes(this.buffered, Math.min(room, this.bufferedBytes));
      const length = chunks.reduce((n, c) => n + c.length, 0);
      const handle = await this.handleFor(part);
      let written = 0;
      while (written < length) {
        const { bytesWritten } = await handle.writev(written === 0 ? chunks : takeFrom(chunks, written));
        written += bytesWritten;
      }
      this.position += length;
      this.bufferedBytes -= length;
    }
  }

  /** Drops everything from `offset` on (a blob that failed half-way), in buffers and on disk. */
  async cut(offset: number): Promise<void> {
    // Buffered bytes before `offset` are kept: write them out first.
    if (offset > this.position) await this.flush();
    await this.closeHandle();
    this.buffered = [];
    this.bufferedBytes = 0;
    const partSize = this.partSize ?? Infinity;
    for (let i = 0; ; i++) {
      const start = i === 0 ? 0 : i * partSize;
      const file = this.staging(i);
      const existing = await sizeOf(file);
      if (start >= offset) {
        if (existing === undefined) break;
        await rm(file);
      } else {
        const keep = Math.min(offset - start, partSize);
        if (existing === undefined || existing < keep)
          throw new Error(`${file} is shorter than its progress file says`);
        if (existing > keep) await truncate(file, keep);
      }
      if (!this.partSize) break;
    }
    this.position = offset;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.closeHandle();
  }

  /** Renames the staging files to their final names; returns those names. */
  async finish(): Promise<string[]> {
    await this.close();
    const count = this.partSize ? Math.ceil(this.position / this.partSize) : 1;
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const final = this.partSize ? partName(this.path, i) : this.path;
      await rename(this.staging(i), final);
      names.push(final);
    }
    return names;
  }

  private staging(part: number): string {
    return stagingName(this.path, this.partSize, part);
  }

  private async handleFor(part: number): Promise<FileHandle> {
    if (this.handle && this.handlePart === part) return this.handle;
    await this.closeHandle();
    this.handle = await open(this.staging(part), "a");
    this.handlePart = part;
    return this.handle;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.handlePart = -1;
    await handle?.close();
  }
}

/** The staging files that hold a bundle's first `offset` bytes, in order: to re-read them when resuming. */
export function stagingFiles(path: string, partSize: number | undefined, offset: number): string[] {
  const count = partSize ? Math.ceil(offset / partSize) : 1;
  return Array.from({ length: count }, (_, i) => stagingName(path, partSize, i));
}

function stagingName(path: string, partSize: number | undefined, part: number): string {
  return `${partSize ? partName(path, part) : path}.partial`;
}

/** Removes the first `bytes` from `chunks` (splitting one if needed) and returns them. */
function takeBytes(chunks: Buffer[], bytes: number): Buffer[] {
  const taken: Buffer[] = [];
  let left = bytes;
  while (left > 0) {
    const chunk = chunks[0]!;
    if (chunk.length <= left) {
      taken.push(chunks.shift()!);
      left -= chunk.length;
    } else {
      taken.push(chunk.subarray(0, left));
      chunks[0] = chunk.subarray(left);
      left = 0;
    }
  }
  return taken;
}

/** The chunks after the first `skip` bytes (a short writev). */
function takeFrom(chunks: Buffer[], skip: number): Buffer[] {
  const rest: Buffer[] = [];
  let left = skip;
  for (const chunk of chunks) {
    if (left >= chunk.length) left -= chunk.length;
    else {
      rest.push(chunk.subarray(left));
      left = 0;
    }
  }
  return rest;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}
