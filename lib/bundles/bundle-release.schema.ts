import { z } from "zod";

const channel = z
  .string({ error: "expected the name of the channel to import into" })
  .trim()
  .min(1, "expected the name of the channel to import into")
  .max(100, "at most 100 characters");

/** `gantry bundle import FILE --channel NAME`: the operator at the terminal names any file. */
export const importBundleReleaseSchema = z.object({
  path: z.string({ error: "expected the bundle file's path" }).min(1, "expected the bundle file's path").max(4096),
  channel,
});

/** The Bundles page: a file name inside GANTRY_BUNDLE_DIR, nothing else. */
export const importBundleFileSchema = z.object({
  file: z
    .string({ error: "expected a bundle file name" })
    .min(1, "expected a bundle file name")
    .max(255)
    .refine(
      (name) => !/[/\\\0]/.test(name) && name !== "." && name !== "..",
      "expected a file name of the bundle folder",
    ),
  channel,
});

export type ImportBundleReleaseInput = z.infer<typeof importBundleReleaseSchema>;
