import { isDigest, type Digest } from "./digest";
import { InvalidReferenceError } from "./errors";

/** A parsed image reference (go-containerregistry: pkg/name). */
export interface Reference {
  /** `host[:port]`; Docker Hub is `docker.io`. */
  registry: string;
  /** Path inside the registry, lowercase; Docker Hub official images get `library/`. */
  repository: string;
  tag?: string;
  digest?: Digest;
}

export const DOCKER_HUB = "docker.io";
/** Where Docker Hub's API lives; `docker.io` itself only redirects to the website. */
export const DOCKER_HUB_API = "registry-1.docker.io";
export const DEFAULT_TAG = "latest";

// distribution/reference's grammar (reference.go, regexp.go).
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const NAME_MAX_LENGTH = 255;
const HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/**
 * Parses `host[:port]/path[:tag][@digest]`. A first component without a dot or colon that
 * is not `localhost` is a Docker Hub path, as docker reads it. No tag and no digest leave
 * both empty: callers choose the default (see `identifierOf`).
 */
export function parseReference(input: string): Reference {
  const fail = (why: string) => new InvalidReferenceError(`invalid reference ${JSON.stringify(clip(input))}: ${why}`);
  if (input.length === 0) throw fail("it is empty");
  if (/\s/.test(input)) throw fail("it contains whitespace");
  if (/^[a-z]+:\/\//i.test(input)) throw fail("give host/repository[:tag] without a scheme such as https://");

  const at = input.indexOf("@");
  const digest = at >= 0 ? input.slice(at + 1) : undefined;
  let rest = at >= 0 ? input.slice(0, at) : input;
  if (digest !== undefined && !isDigest(digest)) {
    throw fail(
      `the digest ${JSON.stringify(clip(digest))} is not sha256:<64 lowercase hex> or sha512:<128 lowercase hex>`,
    );
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw fail(
        `the tag ${JSON.stringify(clip(tag))} must be 1–128 characters of letters, digits, _ . - and not start with . or -`,
      );
    }
  }

  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasDomain = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  let registry = hasDomain ? first : DOCKER_HUB;
  let repository = hasDomain ? rest.slice(slash + 1) : rest;
  if (!DOMAIN.test(registry))
    throw fail(`the registry host ${JSON.stringify(clip(registry))} is not a valid host[:port]`);
  if (HUB_ALIASES.has(registry.toLowerCase())) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;

  if (repository.length === 0) throw fail("the repository path is empty");
  if (repository !== repository.toLowerCase())
    throw fail(`the repository ${JSON.stringify(clip(repository))} must be lowercase`);
  for (const component of repository.split("/")) {
    if (!PATH_COMPONENT.test(component)) {
      throw fail(
        `the path component ${JSON.stringify(clip(component))} must be lowercase letters and digits, separated by one . or _, two _, or dashes`,
      );
    }
  }
  const nameLength = (hasDomain ? `${registry}/` : "").length + repository.length;
  if (nameLength > NAME_MAX_LENGTH)
    throw fail(`the name is ${nameLength} characters; at most ${NAME_MAX_LENGTH} are allowed`);

  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** What to ask the registry for: the digest when there is one (it pins), else the tag, else `latest`. */
export function identifierOf(ref: Reference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

/** The host that serves the registry's API. */
export function apiHostOf(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
