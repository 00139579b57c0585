import { formatBytes } from "@/lib/oci/format-bytes";
import { verifyBundle } from "@/lib/oci/layout/verify-bundle";
import { ExitCode, UsageError, type CliIo } from "../command";
import { parseArgs } from "../parse-args";
import { readKey } from "./export-command";

export const VERIFY_HELP = `  gantry bundle verify [--key PUBLIC.pem] [--json] FILE
    Checks FILE (or FILE.001, FILE.002…) with no database and no network: every blob hashed,
    the layout, gantry-bundle.json and checksums.sha256 read, every image's tree present.
    With --key, the signature must be by that Ed25519 or ECDSA public key.
    Exit 0 intact, 1 damaged (the first bad blob is named first).`;

export async function runVerify(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, { key: { type: "string" }, json: { type: "boolean" } });
  if (positionals.length !== 1) throw new UsageError("expected exactly one FILE");
  const publicKeyPem = values.key ? await readKey(values.key) : undefined;
  const result = await verifyBundle(positionals[0]!, { publicKeyPem });
  if (values.json) {
    const { bundle, ...rest } = result;
    io.stdout.write(`${JSON.stringify({ ...rest, manifest: bundle?.manifest })}\n`);
    return result.ok ? ExitCode.ok : ExitCode.failed;
  }
  if (!result.ok) {
    io.stdout.write(`damaged: ${positionals[0]}\n${result.problems.map((p) => `  ${p}`).join("\n")}\n`);
    return ExitCode.failed;
  }
  const manifest = result.bundle!.manifest;
  const signature = { none: "unsigned", unchecked: "signed (no --key given, not checked)", valid: "signature valid" };
  io.stdout.write(
    `intact: ${positionals[0]}: ${result.blobs} blobs, ${formatBytes(result.bytes)} hashed, ${signature[result.signature]}\n` +
      manifest.components.map((c) => `  ${c.name}@${c.digest}\n`).join("") +
      (manifest.base
        ? `  differential: builds on a bundle of ${manifest.base.createdAt}, ${manifest.omitted.length} blobs left out\n`
        : ""),
  );
  return ExitCode.ok;
}
