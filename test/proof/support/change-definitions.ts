import fs from "node:fs";
import path from "node:path";
import type { ChangeDefinition } from "@/lib/change/run-change";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- definitions of every input and output type
export type AnyChange = ChangeDefinition<any, unknown, any>;

const root = process.cwd();

/** A server action exported from a "use server" file under lib/actions. */
export interface ServerAction {
  /** `lib/actions/registries.ts#addRegistry` */
  id: string;
  file: string;
  name: string;
  /** The ChangeDefinition it wraps with `defineAction(...)`, or null for a hand-written action. */
  wraps: { module: string; exportName: string } | null;
}

/** Every export of every "use server" file under lib/actions, read from the source. */
export function serverActions(): ServerAction[] {
  const dir = path.join(root, "lib", "actions");
  const found: ServerAction[] = [];
  for (const entry of fs.readdirSync(dir).sort()) {
    if (!entry.endsWith(".ts") || entry.endsWith(".test.ts")) continue;
    const file = path.join("lib", "actions", entry);
    const source = fs.readFileSync(path.join(root, file), "utf8");
    if (!/^\s*["']use server["']/.test(source)) continue;
    const imports = importsOf(source);
    for (const [, name] of source.matchAll(/^export (?:const|async function|function) (\w+)/gm)) {
      const wrapped = new RegExp(`^export const ${name} = defineAction\\((\\w+)`, "m").exec(source)?.[1];
      const origin = wrapped ? imports.get(wrapped) : undefined;
      if (wrapped && !origin) throw new Error(`${file}: ${name} wraps ${wrapped}, which is not imported`);
      found.push({ id: `${file}#${name}`, file, name: name!, wraps: origin ?? null });
    }
  }
  return found;
}

/** An exported handler of a route file under app/api/v1. */
export interface RouteHandler {
  /** `POST /registries/{id}/test` */
  operation: string;
  method: string;
  /** Path in OpenAPI syntax under /api/v1. */
  path: string;
  file: string;
  /** The ChangeDefinition behind `apiChange(...)`, when it is one. */
  change: { module: string; exportName: string } | null;
}

/** Every exported METHOD of every route.ts under app/api/v1 (like lib/api/openapi.test.ts reads them). */
export function routeHandlers(): RouteHandler[] {
  const apiRoot = path.join(root, "app", "api", "v1");
  const found: RouteHandler[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const routePath = `/${path
          .relative(apiRoot, dir)
          .split(path.sep)
          .map((part) => part.replace(/^\[(\w+)\]$/, "{$1}"))
          .join("/")}`;
        const source = fs.readFileSync(full, "utf8");
        const imports = importsOf(source);
        for (const [, method] of source.matchAll(
          /export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g,
        )) {
          const wrapped = new RegExp(`export const ${method} = apiChange\\((\\w+)`).exec(source)?.[1];
          found.push({
            operation: `${method} ${routePath}`,
            method: method!,
            path: routePath,
            file: path.relative(root, full),
            change: wrapped ? (imports.get(wrapped) ?? null) : null,
          });
        }
      }
    }
  };
  walk(apiRoot);
  return found.sort((a, b) => a.operation.localeCompare(b.operation));
}

/** Imports a ChangeDefinition found by the readers above. */
export async function loadChange(origin: { module: string; exportName: string }): Promise<AnyChange> {
  const exports = (await import(/* @vite-ignore */ origin.module)) as Record<string, unknown>;
  const definition = exports[origin.exportName] as AnyChange | undefined;
  if (!definition || typeof definition.run !== "function" || !definition.permission || !definition.schema) {
    throw new Error(`${origin.module}#${origin.exportName} is not a ChangeDefinition`);
  }
  return definition;
}

/** Local name → where it was imported from, for `import { a, b as c } from "x"`. */
function importsOf(source: string): Map<string, { module: string; exportName: string }> {
  const imports = new Map<string, { module: string; exportName: string }>();
  for (const [, names, module] of source.matchAll(/import\s+(?:type\s+)?\{([^}]+)\}\s+from\s+["']([^"']+)["']/g)) {
    for (const part of names!.split(",")) {
      const [exportName, local] = part
        .trim()
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/);
      if (exportName) imports.set((local ?? exportName).trim(), { module: module!, exportName: exportName.trim() });
    }
  }
  return imports;
}
