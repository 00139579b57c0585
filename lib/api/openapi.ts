import { z } from "zod";
import { approvalCommentBodySchema, approvalOverrideSchema } from "@/lib/approvals/approval.schema";
import { channelApprovalPolicySchema, registryApprovalPolicySchema } from "@/lib/approvals/approval-policy";
import { auditQuerySchema } from "@/lib/audit/audit-query";
import { auditRetentionSchema } from "@/lib/audit/audit-retention";
import { createApiTokenSchema } from "@/lib/auth/api-tokens";
import { permissions, type Permission } from "@/lib/auth/permissions";
import { createConnectionRepositorySchema } from "@/lib/connections/create-connection-repository";
import { listPromotionsSchema, promotionInputSchema } from "@/lib/promotions/promotion.schema";
import { connectionEditSchema, connectionInputSchema } from "@/lib/registries/connection-input";
import { createChannelSchema, updateChannelSchema } from "@/lib/releases/channel.schema";
import { trustedRootSchema } from "@/lib/releases/trusted-root.schema";
import { signaturePolicySchema } from "@/lib/signatures/signature-policy.schema";
import { createUserSchema } from "@/lib/users/user-changes";
import { createWebhookSchema, updateWebhookSchema } from "@/lib/webhooks/webhook.schema";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One /api/v1 operation as documented: what it needs and what it takes. */
export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path template, `{id}` for a path parameter. */
  path: string;
  summary: string;
  tag: string;
  permission: Permission;
  body?: z.ZodType;
  query?: z.ZodType;
  /** The success status (200 unless said). */
  status?: number;
  /** Not JSON: a stream (CSV, JSON Lines, server-sent events). */
  produces?: string;
}

/**
 * Every /api/v1 operation. `openapi.test.ts` checks this list against the route files, so a
 * route without an entry (or an entry without a route) fails the tests; the RBAC matrix test
 * reads the permissions from here.
 */
export const apiOperations: ApiOperation[] = [
  {
    method: "GET",
    path: "/me",
    summary: "Who the token or session belongs to, with its role",
    tag: "account",
    permission: "console.read",
  },
  { method: "GET", path: "/users", summary: "List users", tag: "users", permission: "users.read" },
  {
    method: "POST",
    path: "/users",
    summary: "Create a user",
    tag: "users",
    permission: "users.create",
    body: createUserSchema,
    status: 201,
  },
  {
    method: "GET",
    path: "/tokens",
    summary: "List API tokens (never the tokens themselves)",
    tag: "tokens",
    permission: "tokens.read",
  },
  {
    method: "POST",
    path: "/tokens",
    summary: "Create an API token owned by the caller (never for another user); the token is in this answer only",
    tag: "tokens",
    permission: "tokens.create",
    body: createApiTokenSchema,
    status: 201,
  },
  {
    method: "POST",
    path: "/tokens/{id}/revoke",
    summary: "Revoke an API token",
    tag: "tokens",
    permission: "tokens.revoke",
  },

  {
    method: "GET",
    path: "/registries",
    summary: "List registry connections (without secrets)",
    tag: "registries",
    permission: "registries.read",
  },
  {
    method: "POST",
    path: "/registries",
    summary: "Connect a registry",
    tag: "registries",
    permission: "registries.write",
    body: connectionInputSchema,
    status: 201,
  },
  {
    method: "GET",
    path: "/registries/{id}",
    summary: "One connection with its last check",
    tag: "registries",
    permission: "registries.read",
  },
  {
    method: "PATCH",
    path: "/registries/{id}",
    summary: "Edit a connection; omit the secret to keep it",
    tag: "registries",
    permission: "registries.write",
    body: connectionEditSchema,
  },
  {
    method: "DELETE",
    path: "/registries/{id}",
    summary: "Delete a connection no channel or promotion uses",
    tag: "registries",
    permission: "registries.write",
  },
  {
    method: "POST",
    path: "/registries/{id}/test",
    summary: "Test the connection step by step (DNS, TCP, TLS, API, auth, list, push)",
    tag: "registries",
    permission: "registries.test",
  },
  {
    method: "POST",
    path: "/registries/{id}/drift-check",
    summary:
      "Read every tag Gantry promoted to this target now; answers {checkedAt, tagsRead, unreadable, drifted: [{promotionId, drifted, newlyDrifted}]}; promotions then carry drift: {checkedAt, drifted: [{component, expected, found}]} (found null: the tag is gone)",
    tag: "registries",
    permission: "registries.test",
  },
  {
    method: "GET",
    path: "/registries/{id}/repositories",
    summary: "Repositories the credential can see",
    tag: "registries",
    permission: "registries.read",
  },
  {
    method: "POST",
    path: "/registries/{id}/repositories",
    summary: "Create a repository (ECR, Artifact Registry)",
    tag: "registries",
    permission: "registries.write",
    body: bodyWithout(createConnectionRepositorySchema, "id"),
    status: 201,
  },
  {
    method: "PUT",
    path: "/registries/{id}/approval-policy",
    summary: "Approvals required for promotions into this connection",
    tag: "approvals",
    permission: "registries.write",
    body: bodyWithout(registryApprovalPolicySchema, "registryId"),
  },

  { method: "GET", path: "/channels", summary: "List release channels", tag: "releases", permission: "releases.read" },
  {
    method: "POST",
    path: "/channels",
    summary: "Create a release channel; warns of components the source does not have, queues the first sync",
    tag: "releases",
    permission: "channels.write",
    body: createChannelSchema,
    status: 201,
  },
  {
    method: "GET",
    path: "/channels/{id}",
    summary: "One channel with its sync state",
    tag: "releases",
    permission: "releases.read",
  },
  {
    method: "PATCH",
    path: "/channels/{id}",
    summary:
      "Edit a channel; warns of components the source does not have, queues a sync when the source, components, pattern or ordering change",
    tag: "releases",
    permission: "channels.write",
    body: bodyWithout(updateChannelSchema, "id"),
  },
  {
    method: "DELETE",
    path: "/channels/{id}",
    summary: "Delete a channel without promotions",
    tag: "releases",
    permission: "channels.write",
  },
  {
    method: "POST",
    path: "/channels/{id}/sync",
    summary: "Sync the channel's tags now; answers when done, with its releases",
    tag: "releases",
    permission: "channels.sync",
  },
  {
    method: "GET",
    path: "/channels/{id}/releases",
    summary:
      "Releases of a channel, newest first; each image has signature and sboms: [{kind, format, via, digest, mediaType, size, packages, predicateType}] (null: not looked for yet)",
    tag: "releases",
    permission: "releases.read",
  },
  {
    method: "GET",
    path: "/releases/{id}/sbom",
    summary:
      "Download one SBOM or attestation of a release image (?component=vendor/api&digest=sha256:…, a digest from its sboms), streamed from the source registry",
    tag: "releases",
    permission: "releases.read",
  },
  {
    method: "PUT",
    path: "/channels/{id}/approval-policy",
    summary: "Approvals required for this channel's promotions (null: the target's policy)",
    tag: "approvals",
    permission: "settings.write",
    body: bodyWithout(channelApprovalPolicySchema, "channelId"),
  },
  {
    method: "PUT",
    path: "/channels/{id}/signature-policy",
    summary:
      'Signatures every component must carry before promotion: {"mode":"off"}, {"mode":"keys","publicKeys":[PEM…]} or {"mode":"keyless","issuer","subject"|"subjectPattern"}; releases then show each image\'s signature {status, signers, reason} and plans deny failing components',
    tag: "releases",
    permission: "settings.write",
    body: signaturePolicySchema,
  },
  {
    method: "GET",
    path: "/settings/trusted-root",
    summary: "Whether a sigstore trusted root is uploaded for keyless signatures, and when its keys end",
    tag: "releases",
    permission: "releases.read",
  },
  {
    method: "PUT",
    path: "/settings/trusted-root",
    summary: "Upload sigstore's trusted_root.json; keyless signatures are verified against it offline",
    tag: "releases",
    permission: "settings.write",
    body: trustedRootSchema,
  },

  {
    method: "GET",
    path: "/promotions",
    summary: "List promotions, newest first, filterable by status",
    tag: "promotions",
    permission: "promotions.read",
    query: listPromotionsSchema,
  },
  {
    method: "POST",
    path: "/promotions",
    summary: "Promote a release into a target connection",
    tag: "promotions",
    permission: "promotions.create",
    body: promotionInputSchema,
    status: 201,
  },
  {
    method: "POST",
    path: "/promotions/plan",
    summary:
      "What a promotion would do (repositories, blobs, bytes, size limit, each tag and where it points now), without doing it; tagsMoveBack: true when only tags move (0 bytes, a roll back)",
    tag: "promotions",
    permission: "promotions.create",
    body: promotionInputSchema,
  },
  {
    method: "GET",
    path: "/promotions/{id}",
    summary:
      "A promotion with each image's status, bytes and failure, and its tag step: tagsMovedAt (null until every tag moved), tagsFailure, movingTag",
    tag: "promotions",
    permission: "promotions.read",
  },
  {
    method: "GET",
    path: "/promotions/{id}/events",
    summary:
      "Server-sent events: the promotion each time it changes; ends once the caller's token or session is no longer valid (checked every heartbeat)",
    tag: "promotions",
    permission: "promotions.read",
    produces: "text/event-stream",
  },
  {
    method: "POST",
    path: "/promotions/{id}/stop",
    summary: "Stop: transfers in flight abort, images end stopped",
    tag: "promotions",
    permission: "promotions.control",
  },
  {
    method: "POST",
    path: "/promotions/{id}/resume",
    summary: "Resume stopped images, skipping what arrived",
    tag: "promotions",
    permission: "promotions.control",
  },
  {
    method: "POST",
    path: "/promotions/{id}/retry",
    summary: "Retry only the failed images (or, after a failed tag step, re-check every image and move the tags)",
    tag: "promotions",
    permission: "promotions.control",
  },
  {
    method: "POST",
    path: "/promotions/{id}/repair",
    summary: "Repair a drifted promotion: promote its release to its target again (a new promotion, 201-style body)",
    tag: "promotions",
    permission: "promotions.create",
  },
  {
    method: "POST",
    path: "/promotions/{id}/approve",
    summary: "Approve the promotion's current plan (not your own request)",
    tag: "approvals",
    permission: "approvals.decide",
    body: approvalCommentBodySchema,
  },
  {
    method: "POST",
    path: "/promotions/{id}/reject",
    summary: "Reject the promotion request",
    tag: "approvals",
    permission: "approvals.decide",
    body: approvalCommentBodySchema,
  },
  {
    method: "POST",
    path: "/promotions/{id}/withdraw",
    summary: "Withdraw your own request while nobody has decided it (it ends withdrawn; others reject instead)",
    tag: "approvals",
    permission: "approvals.withdraw",
    body: approvalCommentBodySchema,
  },
  {
    method: "POST",
    path: "/promotions/{id}/override",
    summary: "Start without the approvals (admins), with a written reason",
    tag: "approvals",
    permission: "approvals.override",
    body: bodyWithout(approvalOverrideSchema, "promotionId"),
  },

  {
    method: "GET",
    path: "/audit",
    summary: "Audit events, newest first, filtered, by cursor",
    tag: "audit",
    permission: "audit.read",
    query: auditQuerySchema,
  },
  {
    method: "GET",
    path: "/audit/export",
    summary: "Every matching audit event as CSV or JSON Lines, streamed",
    tag: "audit",
    permission: "audit.read",
    query: auditQuerySchema,
    produces: "text/csv | application/x-ndjson",
  },
  {
    method: "POST",
    path: "/audit/verify",
    summary: "Verify the audit hash chain; answers the first broken link",
    tag: "audit",
    permission: "audit.verify",
  },
  {
    method: "GET",
    path: "/audit/retention",
    summary: "The audit retention in days",
    tag: "audit",
    permission: "audit.read",
  },
  {
    method: "PUT",
    path: "/audit/retention",
    summary: "Set the audit retention (older events are archived to a file, then pruned)",
    tag: "audit",
    permission: "settings.write",
    body: auditRetentionSchema,
  },

  {
    method: "GET",
    path: "/bundles/{file}",
    summary:
      "A bundle file of GANTRY_BUNDLE_DIR; honours one Range (206 with Content-Range, 416 when unsatisfiable) so a download resumes",
    tag: "bundles",
    permission: "bundles.download",
    produces: "application/x-tar",
  },

  {
    method: "GET",
    path: "/webhooks",
    summary: "List webhooks (never their secrets)",
    tag: "webhooks",
    permission: "webhooks.read",
  },
  {
    method: "POST",
    path: "/webhooks",
    summary: "Create a webhook; its signing secret is in this answer only",
    tag: "webhooks",
    permission: "settings.write",
    body: createWebhookSchema,
    status: 201,
  },
  { method: "GET", path: "/webhooks/{id}", summary: "One webhook", tag: "webhooks", permission: "webhooks.read" },
  {
    method: "PATCH",
    path: "/webhooks/{id}",
    summary: "Edit a webhook",
    tag: "webhooks",
    permission: "settings.write",
    body: bodyWithout(updateWebhookSchema, "id"),
  },
  {
    method: "DELETE",
    path: "/webhooks/{id}",
    summary: "Delete a webhook",
    tag: "webhooks",
    permission: "settings.write",
  },
  {
    method: "POST",
    path: "/webhooks/{id}/test",
    summary: "Deliver a ping now and answer the receiver's status",
    tag: "webhooks",
    permission: "settings.write",
  },
  {
    method: "GET",
    path: "/webhooks/{id}/deliveries",
    summary: "The webhook's delivery log",
    tag: "webhooks",
    permission: "webhooks.read",
  },
  {
    method: "POST",
    path: "/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    summary: "Deliver again",
    tag: "webhooks",
    permission: "settings.write",
  },
];

/** The OpenAPI 3.1 document of /api/v1, its request bodies generated from the zod schemas the routes validate with. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of apiOperations) {
    const parameters: Parameter[] = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name: name!,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (operation.query) parameters.push(...queryParameters(operation.query));
    const status = String(operation.status ?? 200);
    (paths[`/api/v1${operation.path}`] ??= {})[operation.method.toLowerCase()] = {
      operationId: operationId(operation),
      summary: operation.summary,
      description: `Needs the ${permissions[operation.permission]} role or above (${operation.permission}).`,
      tags: [operation.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(operation.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(operation.body) } } } }
        : {}),
      responses: {
        [status]: { description: "Done", content: { [operation.produces ?? "application/json"]: {} } },
        400: { $ref: "#/components/responses/BadRequest" },
        401: { $ref: "#/components/responses/Unauthenticated" },
        403: { $ref: "#/components/responses/Forbidden" },
      },
    };
  }
  const error = {
    type: "object",
    properties: {
      error: {
        type: "object",
        properties: {
          message: { type: "string" },
          fields: { type: "object", additionalProperties: { type: "string" } },
        },
        required: ["message"],
      },
    },
  };
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });
  return {
    openapi: "3.1.0",
    info: {
      title: "Gantry API",
      version: "1",
      description:
        "Promote vendor release images into private registries. Authenticate with `Authorization: Bearer <token>` (tokens are created by admins in Settings → API tokens or with `gantry tokens create`); a token acts with its role.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: error },
      responses: {
        BadRequest: errorResponse("Invalid input: `fields` names each field and what was expected"),
        Unauthenticated: errorResponse("No token or session, or the token is unknown, expired or revoked"),
        Forbidden: errorResponse("The caller's role is below what the operation needs"),
      },
    },
  };
}

function jsonSchema(schema: z.ZodType): unknown {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: unknown;
}

function queryParameters(schema: z.ZodType): Parameter[] {
  const object = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query" as const,
    required: object.required?.includes(name) ?? false,
    schema: property,
  }));
}

/** A body schema without the keys the route takes from the path. */
function bodyWithout(schema: z.ZodType, ...keys: string[]): z.ZodType {
  return schema instanceof z.ZodObject ? schema.omit(Object.fromEntries(keys.map((k) => [k, true])) as never) : schema;
}

function operationId(operation: ApiOperation): string {
  const words = operation.path
    .split("/")
    .filter(Boolean)
    .map((part) => part.replace(/[{}]/g, "").replace(/-(\w)/g, (_m, c: string) => c.toUpperCase()));
  return [operation.method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join("");
}
