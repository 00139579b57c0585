import { checkHealth } from "@/lib/health/check-health";

export const dynamic = "force-dynamic";

/** Public on purpose (load balancers call it); says nothing secret. */
export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}
