import { apiRead } from "@/lib/api/api-route";
import { openSbomDownload } from "@/lib/releases/open-sbom-download";

/**
 * `GET /api/v1/releases/{id}/sbom?component=vendor/api&digest=sha256:…`: one SBOM or
 * attestation document the sync found for that component, streamed from the source registry.
 */
export const GET = apiRead({
  permission: "releases.read",
  read: async ({ request, params }) => {
    const query = new URL(request.url).searchParams;
    const download = await openSbomDownload({
      releaseId: String(params.id),
      component: query.get("component") ?? "",
      digest: query.get("digest") ?? "",
    });
    return new Response(download.body, {
      headers: {
        "content-type": download.mediaType,
        "content-length": String(download.size),
        "content-disposition": `attachment; filename="${download.filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  },
});
