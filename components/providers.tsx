"use client";

import { isServer, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  return (
    <SessionProvider>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </SessionProvider>
  );
}

// One client per browser session, kept outside React so a suspending render cannot throw
// it away; during server rendering each request gets its own so users never share a cache.
let browserQueryClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Data prefetched on the server is fresh on arrival; don't refetch it on hydration.
        staleTime: 30_000,
        // An expired session or a missing permission won't fix itself by asking again.
        retry: (failureCount, error) => !isAuthError(error) && failureCount < 3,
      },
    },
  });
}

/** Fetch helpers throw errors carrying the HTTP `status`; 401 and 403 are final. */
function isAuthError(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("status" in error)) return false;
  return error.status === 401 || error.status === 403;
}
