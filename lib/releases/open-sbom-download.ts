import "server-only";
import crypto from "node:crypto";
import { Readable, Transform } from "node:stream";
import { NotFoundError, UserError } from "@/lib/change/errors";
import { loadConnection } from "@/lib/connections/load-connection";
import { db } from "@/lib/db/prisma";
import type { Digest } from "@/lib/oci/digest";
import type { SbomSummary } from "@/lib/oci/find-sboms";
import { redact } from "@/lib/oci/redact";
import { RegistryClient } from "@/lib/oci/registry-client";
import { openBlob } from "@/lib/oci/remote-blob";
import { messageOf } from "@/lib/registries/connection-check/access-probes";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";

export interface SbomDownload {
  body: ReadableStream<Uint8Array>;
  mediaType: string;
  size: number;
  filename: string;
}

/**
 * Streams one SBOM or attestation document of a release image from the channel's source
 * registry. Only a document the sync found for that image can be asked for (the route cannot
 * fetch other blobs), and its bytes are checked against its digest as they pass: a mismatch
 * ends the download with an error instead of a quiet wrong file.
 */
export async function openSbomDownload(input: {
  releaseId: string;
  component: string;
  digest: string;
}): Promise<SbomDownload> {
  const image = await db().releaseImage.findUnique({
    where: { releaseId_repository: { releaseId: input.releaseId, repository: input.component } },
    select: { sboms: true, release: { select: { tag: true, channel: { select: { sourceRegistryId: true } } } } },
  });
  const sbom = Array.isArray(image?.sboms)
    ? (image.sboms as unknown as SbomSummary[]).find((found) => found.digest === input.digest)
    : undefined;
  if (!image || !sbom)
    throw new NotFoundError(
      `digest: no SBOM or attestation ${JSON.stringify(input.digest.slice(0, 80))} of that image`,
    );

  // Bundle releases have no source registry; their SBOMs are not looked for at sync either.
  const sourceRegistryId = image.release.channel.sourceRegistryId;
  if (!sourceRegistryId) throw new NotFoundError("releaseId: a bundle release has no source registry to read from");
  const { row, connection } = await loadConnection(sourceRegistryId);
  let adapter;
  try {
    adapter = await openRegistry(connection);
  } catch (error) {
    const message = redact(messageOf(error), connection.secret ? [connection.secret] : []);
    throw new UserError(`releaseId: its source registry ${row.name} cannot be used: ${message}`, "releaseId", 409);
  }
  const client = new RegistryClient({ ...registryClientOptions(adapter), side: "source" });
  const close = () => {
    void client.close().catch(() => undefined);
    void adapter.close().catch(() => undefined);
  };
  let blob: Readable;
  try {
    blob = await openBlob(
      { client, repository: input.component },
      { digest: sbom.digest, size: sbom.size, mediaType: sbom.mediaType },
    );
  } catch (error) {
    close();
    throw new UserError(
      `digest: the source registry ${row.name} did not serve the document: ${redact(messageOf(error), adapter.secrets())}`,
      "digest",
      502,
    );
  }
  const checked = blob.pipe(digestCheck(sbom.digest));
  blob.on("error", (error) => checked.destroy(error));
  checked.on("close", close);
  const extension = sbom.mediaType.includes("json") || sbom.format !== "unknown" ? "json" : "bin";
  const name = `${input.component.replaceAll("/", "-")}-${image.release.tag}-${sbom.format}-${sbom.digest.slice(7, 19)}.${extension}`;
  return {
    body: Readable.toWeb(checked) as ReadableStream<Uint8Array>,
    // A vendor's media type goes out only when it is a plain type/subtype.
    mediaType: /^[\w.+-]+\/[\w.+-]+$/.test(sbom.mediaType) ? sbom.mediaType : "application/octet-stream",
    size: sbom.size,
    filename: name.replace(/[^\w.-]/g, "_"),
  };
}

function digestCheck(expected: Digest): Transform {
  const hash = crypto.createHash("sha256");
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = `sha256:${hash.digest("hex")}`;
      callback(actual === expected ? null : new Error(`document bytes hash to ${actual}, not ${expected}`));
    },
  });
}
