import { UsageError, type CliCommand } from "../command";
import { EXPORT_HELP, runExport } from "../bundle/export-command";
import { IMPORT_HELP, runImport } from "../bundle/import-command";
import { runVerify, VERIFY_HELP } from "../bundle/verify-command";

export const bundleCommand: CliCommand = {
  name: "bundle",
  help: `Usage: gantry bundle export|verify|import [options] ...

Carries a release across an air gap as one file: a standard OCI image layout in a tar
(skopeo copy oci-archive:FILE:vendor/api:1.2 docker://… reads it), plus Gantry's manifest
(gantry-bundle.json: components, digests, sizes, sources, created-at) and checksums.sha256.

${EXPORT_HELP}

${VERIFY_HELP}

${IMPORT_HELP}

Exit status: 0 done (or intact), 1 failed (or damaged), 2 usage error.

Example:
  gantry bundle export --referrers -o release-1.2.tar quay.io/vendor/api:1.2 quay.io/vendor/engine:1.2
  gantry bundle verify release-1.2.tar
  gantry bundle import release-1.2.tar registry.internal:5000/team/
`,
  async run(argv, io) {
    const [action, ...rest] = argv;
    if (action === "export") return runExport(rest, io);
    if (action === "verify") return runVerify(rest, io);
    if (action === "import") return runImport(rest, io);
    throw new UsageError("expected export, verify or import");
  },
};
