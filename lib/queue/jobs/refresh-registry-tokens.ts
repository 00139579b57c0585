import { z } from "zod";
import { refreshConnectionTokens } from "@/lib/connections/refresh-connection-tokens";
import { defineJob } from "../job-definition";

/**
 * Every ten minutes: ECR tokens live 12 h and Google access tokens 1 h, and each is renewed
 * inside its renewal margin, so this keeps the worker's cached tokens and the console's
 * expiry countdown current well before either runs out.
 */
export const refreshRegistryTokensJob = defineJob({
  name: "registries.refresh-tokens",
  schema: z.object({}).loose(),
  retry: { limit: 1, delaySeconds: 60, backoff: false },
  expireInSeconds: 300,
  cron: "*/10 * * * *",
  async handler(_data, context) {
    return refreshConnectionTokens({ signal: context.signal });
  },
});
