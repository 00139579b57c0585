import { authorize } from "@/lib/api/api-route";
import { serveBundleFile } from "@/lib/bundles/serve-bundle-file";

type Context = { params: Promise<{ file: string }> };

/**
 * `GET /api/v1/bundles/{file}`: a bundle file of GANTRY_BUNDLE_DIR, with `Range` support so an
 * interrupted browser download resumes (session or Bearer token, "bundles.download").
 */
export async function GET(request: Request, context: Context): Promise<Response> {
  const caller = await authorize(request, "bundles.download");
  if (caller instanceof Response) return caller;
  return serveBundleFile((await context.params).file, request);
}

export async function HEAD(request: Request, context: Context): Promise<Response> {
  return GET(request, context);
}
