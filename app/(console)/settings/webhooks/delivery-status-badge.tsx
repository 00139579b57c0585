import { Badge } from "@/components/ui/badge";

/** A delivery's state with the receiver's last answer, e.g. "delivered 200" or "failed 503". */
export function DeliveryStatusBadge({
  status,
  code,
}: {
  status: "pending" | "delivered" | "failed";
  code: number | null;
}) {
  const tone = status === "delivered" ? "success" : status === "failed" ? "danger" : "warning";
  return (
    <Badge tone={tone}>
      {status}
      {code !== null ? <span className="font-mono">{code}</span> : null}
    </Badge>
  );
}
