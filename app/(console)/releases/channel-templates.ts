import type { TagOrdering } from "@/lib/releases/tag-ordering";

export interface ChannelTemplate {
  label: string;
  description: string;
  name: string;
  components: string[];
  tagPattern: string;
  ordering: TagOrdering;
}

/**
 * The layout of a typical self-hosted vendor release (see the vendor guide the product started
 * from): several images under one namespace, all tagged with the same date-stamped release tag
 * such as release-240913. Only a starting point: every field stays editable.
 */
export const threeComponentVendorLayout: ChannelTemplate = {
  label: "Three-component vendor layout",
  description: "Three images under one namespace, released together as release-YYMMDD tags.",
  name: "vendor",
  components: ["vendor/api", "vendor/engine", "vendor/web"],
  tagPattern: "^release-\\d{6}$",
  ordering: "date",
};
