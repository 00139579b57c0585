import type { ReactNode } from "react";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { ConnectionView } from "@/lib/connections/connection-view";
import { TokenExpiry } from "../token-expiry";

const authLabels: Record<ConnectionView["authKind"], string> = {
  anonymous: "Anonymous",
  basic: "Username and password",
  bearer: "Bearer token",
  aws: "AWS credentials",
  gcp_service_account: "Service account key",
};

/** These credentials are exchanged for registry tokens that expire (ECR: 12 h, Google: 1 h). */
const shortLived = new Set<ConnectionView["authKind"]>(["aws", "gcp_service_account"]);

/** Everything stored about a connection except its secret, which is only said to exist. */
export function ConnectionDetails({ connection }: { connection: ConnectionView }) {
  const settings = Object.entries(connection.settings);
  const rows: [string, ReactNode][] = [
    ["Provider", connection.providerLabel],
    [
      "Endpoint",
      <code key="endpoint" className="font-mono text-[13px]">
        {connection.endpoint}
      </code>,
    ],
    [
      "Namespace",
      connection.namespace ? (
        <code key="namespace" className="font-mono text-[13px]">
          {connection.namespace}
        </code>
      ) : (
        "—"
      ),
    ],
    ["Authentication", `${authLabels[connection.authKind]}${connection.username ? ` (${connection.username})` : ""}`],
    ["Secret", connection.hasSecret ? "Stored, encrypted; never shown" : "None"],
    [
      "Transport",
      connection.insecure
        ? "Plain HTTP (insecure)"
        : connection.caPem
          ? "HTTPS, trusting its own CA certificate"
          : "HTTPS",
    ],
    [
      "Token",
      connection.tokenExpiresAt ? (
        <TokenExpiry key="token" expiresAt={connection.tokenExpiresAt} />
      ) : shortLived.has(connection.authKind) ? (
        "Short-lived; none fetched yet"
      ) : (
        "Long-lived credentials"
      ),
    ],
    [
      "Upload bandwidth cap",
      connection.bandwidthLimitMbps === null ? "None" : `${connection.bandwidthLimitMbps} Mbit/s, all workers together`,
    ],
    ["Used by", `${connection.usedBy.channels} channel(s), ${connection.usedBy.promotions} promotion(s)`],
    ...settings.map(([key, value]): [string, ReactNode] => [
      key,
      <code key={key} className="font-mono text-[13px]">
        {JSON.stringify(value)}
      </code>,
    ]),
  ];
  return (
    <Card>
      <CardHeader title="Connection" />
      <CardBody>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
          {rows.map(([term, value]) => (
            <div key={term} className="contents">
              <dt className="text-muted">{term}</dt>
              <dd className="break-words text-fg">{value}</dd>
            </div>
          ))}
        </dl>
      </CardBody>
    </Card>
  );
}
