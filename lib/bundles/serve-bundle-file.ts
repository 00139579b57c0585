import "server-only";
import { createReadStream } from "node:fs";
import { lstat } from "node:fs/promises";
import { Readable } from "node:stream";
import { isUserError } from "@/lib/change/errors";
import { bundleFilePath } from "./bundle-dir";

/**
 * A bundle file of GANTRY_BUNDLE_DIR as an HTTP answer a browser can resume: the whole file
 * (200), one `Range: bytes=a-b` / `a-` / `-n` (206 with Content-Range), or 416 for a range
 * that is malformed, multiple or past the end. The name is confined to the bundle folder.
 */
export async function serveBundleFile(name: string, request: Request): Promise<Response> {
  let file: string;
  try {
    file = bundleFilePath(name);
  } catch (error) {
    if (isUserError(error)) return problem(400, error.message);
    throw error;
  }
  // lstat: a symbolic link planted in the folder must not lead out of it.
  const info = await lstat(file).catch(() => null);
  if (!info?.isFile()) return problem(404, "file: no such bundle in the bundle folder");
  const size = info.size;
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    "accept-ranges": "bytes",
    "content-type": "application/x-tar",
    "content-disposition": `attachment; filename="${name.replace(/"/g, "")}"`,
    "last-modified": info.mtime.toUTCString(),
    etag,
    "cache-control": "private, no-store",
  };
  const header = request.headers.get("range");
  // If-Range: a file that changed since the first part was fetched is sent whole again.
  const ifRange = request.headers.get("if-range");
  const rangeApplies =
    header !== null && (ifRange === null || ifRange === etag || ifRange === headers["last-modified"]);
  if (!rangeApplies) {
    return new Response(body(file, 0, size, request), {
      status: 200,
      headers: { ...headers, "content-length": String(size) },
    });
  }
  const range = parseRange(header!, size);
  if (!range) return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
  const length = range.end - range.start + 1;
  return new Response(body(file, range.start, length, request), {
    status: 206,
    headers: {
      ...headers,
      "content-length": String(length),
      "content-range": `bytes ${range.start}-${range.end}/${size}`,
    },
  });
}

/** One byte range of a `Range` header, clamped to the file; null when it cannot be served. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return null;
  return { start, end };
}

function body(file: string, start: number, length: number, request: Request): ReadableStream<Uint8Array> | null {
  if (length === 0 || request.method === "HEAD") return null;
  const stream = createReadStream(file, { start, end: start + length - 1, highWaterMark: 256 * 1024 });
  request.signal?.addEventListener("abort", () => stream.destroy(), { once: true });
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}

function problem(status: number, message: string): Response {
  return Response.json({ error: { message } }, { status });
}
