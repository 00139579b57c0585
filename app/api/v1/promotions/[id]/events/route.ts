import { authorize, callerRecheck, json } from "@/lib/api/api-route";
import { log, scrubUrlCredentials } from "@/lib/log";
import { getPromotion } from "@/lib/promotions/promotion-view";
import { progressListener } from "./progress-listener";
import { promotionEventStream } from "./promotion-event-stream";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/promotions/{id}/events — server-sent events: the promotion's full view
 * (`data: <PromotionView JSON>`) at once and again after every progress write the engine
 * notifies, bursts coalesced, with a heartbeat comment every GANTRY_EVENTS_HEARTBEAT_SECONDS
 * (15 s). Session or Bearer token with promotions.read, checked again at every heartbeat: a
 * revoked token, an ended session or a disabled user ends the stream.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const denied = await authorize(request, "promotions.read");
  if (denied instanceof Response) return denied;
  const { id } = await context.params;
  try {
    if (!(await getPromotion(id))) return json({ error: { message: `No promotion has the id "${id}".` } }, 404);
    const stream = await promotionEventStream({
      promotionId: id,
      signal: request.signal,
      listener: progressListener(),
      read: getPromotion,
      heartbeatMs: heartbeatSeconds() * 1000,
      stillAllowed: await callerRecheck(request),
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        // no-transform keeps Next's gzip from buffering the stream; proxies must not cache or hold it either.
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  } catch (error) {
    log.error(
      { err: { message: scrubUrlCredentials(String((error as Error)?.message ?? error)) } },
      "promotion event stream failed to open",
    );
    return json({ error: { message: "Something went wrong on our side." } }, 500);
  }
}

function heartbeatSeconds(): number {
  const seconds = Number(process.env.GANTRY_EVENTS_HEARTBEAT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 15;
}
