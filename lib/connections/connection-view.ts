import type { Registry, RegistryUse } from "@/lib/db/generated/client";
import type { RegistryAuthKind, RegistryProvider } from "@/lib/registries/connection";
import { providerInfo } from "@/lib/registries/providers";
import { parseStoredCheck, type StoredCheck } from "./check-result";

/**
 * A registry connection as pages, API answers and audit events may show it: everything but
 * the secret, which is only said to exist (`hasSecret`). Dates are ISO strings so the view
 * crosses to client components and JSON unchanged.
 */
export interface ConnectionView {
  id: string;
  name: string;
  provider: RegistryProvider;
  providerLabel: string;
  endpoint: string;
  namespace: string | null;
  authKind: RegistryAuthKind;
  /** A username, access key id or service account address: who, never the secret. */
  username: string | null;
  hasSecret: boolean;
  /** Provider settings; they hold no secrets (region, role ARN, project...). */
  settings: Record<string, unknown>;
  insecure: boolean;
  /** A CA certificate is public; it is shown so an edit can keep or change it. */
  caPem: string | null;
  approvalsRequired: number;
  sizeLimitBytes: number | null;
  /** Upload cap in Mbit/s shared by every worker; null: none. */
  bandwidthLimitMbps: number | null;
  lastCheck: StoredCheck | null;
  /** What real use showed (channel syncs read it as a source, promotions read or push to it); null when never used. */
  lastUse: ConnectionUseHealth | null;
  tokenExpiresAt: string | null;
  usedBy: { channels: number; promotions: number };
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionUseHealth {
  okAt: string | null;
  okBy: RegistryUse | null;
  errorAt: string | null;
  errorBy: RegistryUse | null;
  error: string | null;
}

/** What a query must select for `toConnectionView`; the ciphertext only to say whether there is one. */
export const connectionViewSelect = {
  id: true,
  name: true,
  provider: true,
  endpoint: true,
  namespace: true,
  authKind: true,
  username: true,
  secretCiphertext: true,
  settings: true,
  insecure: true,
  caPem: true,
  approvalsRequired: true,
  sizeLimitBytes: true,
  bandwidthLimitMbps: true,
  lastCheckResult: true,
  lastUseOkAt: true,
  lastUseOkBy: true,
  lastUseErrorAt: true,
  lastUseErrorBy: true,
  lastUseError: true,
  tokenExpiresAt: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { channels: true, promotions: true } },
} as const;

type ViewRow = Pick<Registry, Exclude<keyof typeof connectionViewSelect, "_count">> & {
  _count: { channels: number; promotions: number };
};

/** Picks field by field (never a spread of the row), so a new secret column cannot leak through. */
export function toConnectionView(row: ViewRow): ConnectionView {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    providerLabel: providerInfo(row.provider).label,
    endpoint: row.endpoint,
    namespace: row.namespace,
    authKind: row.authKind,
    username: row.username,
    hasSecret: row.secretCiphertext !== null,
    settings: isRecord(row.settings) ? row.settings : {},
    insecure: row.insecure,
    caPem: row.caPem,
    approvalsRequired: row.approvalsRequired,
    sizeLimitBytes: row.sizeLimitBytes === null ? null : Number(row.sizeLimitBytes),
    bandwidthLimitMbps: row.bandwidthLimitMbps,
    lastCheck: parseStoredCheck(row.lastCheckResult),
    lastUse:
      row.lastUseOkAt || row.lastUseErrorAt
        ? {
            okAt: row.lastUseOkAt?.toISOString() ?? null,
            okBy: row.lastUseOkBy,
            errorAt: row.lastUseErrorAt?.toISOString() ?? null,
            errorBy: row.lastUseErrorBy,
            error: row.lastUseError,
          }
        : null,
    tokenExpiresAt: row.tokenExpiresAt?.toISOString() ?? null,
    usedBy: { channels: row._count.channels, promotions: row._count.promotions },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The fields an audit event records before and after a change; no secret, by construction. */
export function auditFieldsOf(fields: {
  name: string;
  provider: string;
  endpoint: string;
  namespace: string | null;
  authKind: string;
  username: string | null;
  insecure: boolean;
  caPem: string | null;
  settings: unknown;
  bandwidthLimitMbps: number | null;
}) {
  return {
    name: fields.name,
    provider: fields.provider,
    endpoint: fields.endpoint,
    namespace: fields.namespace,
    authKind: fields.authKind,
    username: fields.username,
    insecure: fields.insecure,
    hasCaCertificate: fields.caPem !== null,
    settings: fields.settings,
    bandwidthLimitMbps: fields.bandwidthLimitMbps,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
