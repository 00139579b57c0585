/** Every protocol constant lib/oci speaks, in one place (go-containerregistry: pkg/v1/types). */
export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  ociArtifactManifest: "application/vnd.oci.artifact.manifest.v1+json",
  ociLayerNondistributable: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  ociLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  ociLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerForeignLayer: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

export const IMAGE_MANIFEST_TYPES: readonly string[] = [MediaType.ociManifest, MediaType.dockerManifest];
export const INDEX_TYPES: readonly string[] = [MediaType.ociIndex, MediaType.dockerManifestList];
export const SCHEMA1_TYPES: readonly string[] = [MediaType.dockerSchema1, MediaType.dockerSchema1Signed];

/** Sent as Accept on manifest requests: everything we can copy, newest first. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
].join(", ");

/**
 * Layers that must not be pushed to another registry (Windows base layers and the like):
 * the manifest keeps pointing at their `urls`, as docker and skopeo do.
 */
export const NONDISTRIBUTABLE_TYPES: readonly string[] = [
  MediaType.dockerForeignLayer,
  MediaType.ociLayerNondistributable,
  MediaType.ociLayerNondistributableGzip,
  MediaType.ociLayerNondistributableZstd,
];

/** The distribution spec's recommended ceiling; larger manifests are refused before parsing. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export const Header = {
  contentDigest: "docker-content-digest",
  ociSubject: "oci-subject",
  ociChunkMinLength: "oci-chunk-min-length",
  ociFiltersApplied: "oci-filters-applied",
  wwwAuthenticate: "www-authenticate",
  retryAfter: "retry-after",
  location: "location",
  link: "link",
  range: "range",
} as const;

/** Annotations on buildx attestation manifests inside an index. */
export const Annotation = {
  referenceType: "vnd.docker.reference.type",
  referenceDigest: "vnd.docker.reference.digest",
} as const;
