"use server";

import { importBundleFile } from "@/lib/bundles/import-bundle-release";
import { requestBundleExport } from "@/lib/bundles/request-bundle-export";
import { defineAction } from "./action-client";

export const importBundleAsRelease = defineAction(importBundleFile, { revalidate: "/bundles" });

export const exportReleaseBundle = defineAction(requestBundleExport, { revalidate: "/bundles" });
