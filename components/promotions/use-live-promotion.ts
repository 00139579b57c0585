"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { fetchPromotion, promotionEventsUrl, promotionKeys } from "./promotion-query";
import { appendSample, type ProgressSample } from "./transfer-rate";

/** How the page hears about changes: the event stream, or polling while the stream is down. */
export type LiveTransport = "connecting" | "live" | "polling";

const pollMs = 1_000;
/** After the browser gives up on the stream (an error answer, not a dropped connection), try it again this often. */
const reopenMs = 10_000;

/**
 * The promotion as the worker last reported it. The server-rendered view seeds the query (no
 * flash, no first fetch); server-sent events replace it on every change; if the stream
 * errors, the query polls the JSON endpoint each second until the stream is back. Also
 * keeps the samples (received time, bytes done) the rate and the chart are computed from.
 */
export function useLivePromotion(initial: PromotionView) {
  const id = initial.id;
  const queryClient = useQueryClient();
  const [transport, setTransport] = useState<LiveTransport>("connecting");
  // The first sample is the server's view, taken when the page starts counting.
  const [samples, setSamples] = useState<ProgressSample[]>(() => [{ at: Date.now(), bytes: initial.totals.bytesDone }]);
  const [gone, setGone] = useState(false);

  const query = useQuery({
    queryKey: promotionKeys.detail(id),
    queryFn: async ({ signal }) => {
      const view = await fetchPromotion(id, signal);
      setSamples((previous) => appendSample(previous, { at: Date.now(), bytes: view.totals.bytesDone }));
      return view;
    },
    initialData: initial,
    // The stream keeps it fresh; a refetch on focus or mount would only repeat it.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    // Dropped when the page unmounts, so the next visit starts from the server's fresh view, not an old cache entry.
    gcTime: 0,
    refetchInterval: transport === "polling" && !gone ? pollMs : false,
  });

  useEffect(() => {
    if (typeof EventSource === "undefined") {
      const timer = setTimeout(() => setTransport("polling"), 0);
      return () => clearTimeout(timer);
    }
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      source = new EventSource(promotionEventsUrl(id));
      source.onopen = () => setTransport("live");
      source.onmessage = (event: MessageEvent<string>) => {
        const view = JSON.parse(event.data) as PromotionView;
        queryClient.setQueryData(promotionKeys.detail(id), view);
        setSamples((previous) => appendSample(previous, { at: Date.now(), bytes: view.totals.bytesDone }));
        setTransport("live");
      };
      source.addEventListener("gone", () => {
        source?.close();
        setGone(true);
      });
      source.onerror = () => {
        setTransport("polling");
        // A dropped connection reconnects by itself (readyState CONNECTING); an error answer closes for good.
        if (source?.readyState === EventSource.CLOSED) reopen = setTimeout(open, reopenMs);
      };
    };
    open();
    return () => {
      clearTimeout(reopen);
      source?.close();
    };
  }, [id, queryClient]);

  return { view: query.data, updatedAt: query.dataUpdatedAt, samples, transport, gone };
}
