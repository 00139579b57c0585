"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { saveSignaturePolicy } from "@/lib/actions/channels";
import type { SignaturePolicy } from "@/lib/signatures/signature-policy.schema";

/** Which signatures a channel's releases need before they may be promoted (admins). */
export function SignaturePolicyForm({ channelId, policy }: { channelId: string; policy: SignaturePolicy }) {
  const router = useRouter();
  const [mode, setMode] = useState<SignaturePolicy["mode"]>(policy.mode);
  const [keys, setKeys] = useState(policy.mode === "keys" ? policy.publicKeys.join("\n") : "");
  const [issuer, setIssuer] = useState(policy.mode === "keyless" ? policy.issuer : "");
  const [subject, setSubject] = useState(
    policy.mode === "keyless" ? (policy.subject ?? policy.subjectPattern ?? "") : "",
  );
  const [regex, setRegex] = useState(policy.mode === "keyless" && policy.subjectPattern !== undefined);
  const [saved, setSaved] = useState(false);
  const save = useAction(saveSignaturePolicy);
  const field = (name: string) => save.fieldErrors[`policy.${name}`] ?? save.fieldErrors[name];

  function policyInput(): SignaturePolicy {
    if (mode === "keys") {
      const publicKeys = keys.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [keys];
      return { mode, publicKeys };
    }
    if (mode === "keyless") return { mode, issuer, ...(regex ? { subjectPattern: subject } : { subject }) };
    return { mode: "off" };
  }

  return (
    <form
      aria-label="Signature policy"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        setSaved(false);
        save.run({ channelId, policy: policyInput() }, () => {
          setSaved(true);
          router.refresh();
        });
      }}
    >
      <Field label="Signatures required" hint="Checked at every sync and again when a promotion is planned.">
        {(p) => (
          <Select {...p} value={mode} onChange={(e) => setMode(e.target.value as SignaturePolicy["mode"])}>
            <option value="off">Off: promote without checking signatures</option>
            <option value="keys">Signed by one of these public keys</option>
            <option value="keyless">Signed keyless by this identity (sigstore)</option>
          </Select>
        )}
      </Field>
      {mode === "keys" ? (
        <Field
          label="Public keys"
          hint="PEM, ECDSA P-256/P-384 or Ed25519 (cosign.pub); paste several one after another."
          error={field("publicKeys") ?? field("publicKeys.0")}
        >
          {(p) => <Textarea {...p} mono rows={6} value={keys} onChange={(e) => setKeys(e.target.value)} />}
        </Field>
      ) : null}
      {mode === "keyless" ? (
        <>
          <Field label="OIDC issuer" error={field("issuer")}>
            {(p) => (
              <Input
                {...p}
                value={issuer}
                placeholder="https://token.actions.githubusercontent.com"
                onChange={(e) => setIssuer(e.target.value)}
              />
            )}
          </Field>
          <Field
            label={regex ? "Subject (regular expression over the whole subject)" : "Subject"}
            error={field("subject") ?? field("subjectPattern")}
          >
            {(p) => <Input {...p} value={subject} onChange={(e) => setSubject(e.target.value)} />}
          </Field>
          <label className="flex items-center gap-2 text-sm text-muted">
            <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} />
            Match the subject with a regular expression
          </label>
        </>
      ) : null}
      {save.error ? <FormError message={save.error} /> : null}
      <div className="flex items-center gap-3">
        <Button type="submit" pending={save.pending}>
          Save signature policy
        </Button>
        {saved ? (
          <span role="status" className="text-sm text-muted">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}
