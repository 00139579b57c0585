import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";

const verifyExample = `import crypto from "node:crypto";

// rawBody: the request body exactly as received (verify before parsing it).
function verifyGantryWebhook(secret, headers, rawBody) {
  const timestamp = headers["x-gantry-timestamp"];
  const signature = headers["x-gantry-signature"] ?? "";
  // Refuse old or future timestamps: a captured request cannot be replayed later.
  if (!/^\\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = "sha256=" + crypto.createHmac("sha256", secret).update(\`\${timestamp}.\${rawBody}\`).digest("hex");
  return signature.length === expected.length && crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}`;

/** How receivers verify a delivery: the same text as the README's. */
export function SignatureHelp() {
  return (
    <Card>
      <CardHeader
        title="Verifying deliveries"
        description="Every request is signed, the Slack format too. Check it before trusting the body."
      />
      <CardBody className="space-y-3 text-sm text-muted">
        <p>
          Gantry POSTs <code className="font-mono text-fg">application/json</code> with{" "}
          <code className="font-mono text-fg">User-Agent: Gantry-Webhook/1</code> and the headers{" "}
          <code className="font-mono text-fg">X-Gantry-Event</code>,{" "}
          <code className="font-mono text-fg">X-Gantry-Delivery</code> (the delivery&apos;s id),{" "}
          <code className="font-mono text-fg">X-Gantry-Timestamp</code> (Unix seconds) and{" "}
          <code className="font-mono text-fg">X-Gantry-Signature: sha256=&lt;hex&gt;</code>, the HMAC-SHA256 of{" "}
          <code className="font-mono text-fg">&quot;&lt;timestamp&gt;.&lt;raw body&gt;&quot;</code> keyed with the
          webhook&apos;s signing secret.
        </p>
        <p>
          Against replays: refuse timestamps more than five minutes from your clock, and remember the body&apos;s{" "}
          <code className="font-mono text-fg">id</code> (the event&apos;s id, the same on a retry or redelivery) to drop
          duplicates. Answer any 2xx within 10 s; anything else is retried after about 30 s, 2 min, 10 min, 30 min and 2
          h, six attempts in all.
        </p>
        <CodeBlock code={verifyExample} title="verify.js" copyLabel="Copy verification example" />
      </CardBody>
    </Card>
  );
}
