import type { UploadProfile } from "@/lib/oci/upload-strategy";
import type { RegistryProvider } from "./connection";

const MB = 1000 * 1000;
const MiB = 1024 * 1024;

/**
 * What each provider is known to accept for blob uploads, from public reports (README,
 * "Uploads per provider"). The copy engine refines it from the registry's own answers.
 */
export const UPLOAD_PROFILES: Record<RegistryProvider, UploadProfile> = {
  // 201 to a chunk PATCH (openai/tart#273, jdx/mise#11376) and a Range answer stuck at the
  // first chunk though every chunk is stored (aws/containers-roadmap#2831): the engine accepts
  // 201 and counts the offset itself.
  ecr: { chunks: "yes" },
  // "You must use monolithic uploads" (Google's Docker API reference, quoted in
  // dotnet/sdk-container-builds#287 and kitops-ml/kitops#777).
  artifact_registry: { chunks: "no" },
  gcr: { chunks: "no" },
  // 413 to any request body over ~20 MB, so large blobs go in chunks under it, each with its
  // Content-Length (goharbor/harbor#23015, #23016; a 29 154 834-byte blob was refused).
  acr: { chunks: "yes", maxRequestBytes: 20 * MB, maxChunkBytes: 16 * MiB },
  // A chunk request over 4 MiB is refused (oras-project/rust-oci-client#35): a whole PUT is
  // fewer round trips, so chunks only when the registry forces them.
  ghcr: { chunks: "yes", maxChunkBytes: 4 * MiB, chunkedAboveBytes: Infinity },
  dockerhub: { chunks: "yes" },
  quay: { chunks: "yes" },
  generic: { chunks: "unknown" },
};
