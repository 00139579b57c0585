import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

/**
 * Prisma's schema engine compiled to WebAssembly, speaking to Postgres through the same
 * `pg` driver adapter as the app. It is the engine behind `prisma migrate`, minus the
 * native binary the CLI would download (which machines that only reach npm cannot).
 */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  schema: string,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasmOnce();
  const factory = new WholeScriptPg({ connectionString: databaseUrl });
  const silent = () => {};
  const engine = await engineBindings.SchemaEngine.new(
    { datamodels: [["schema.prisma", schema]] },
    silent,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    // The engine doesn't close its connections; leaving them open would, among other
    // things, stop Postgres from copying a just-migrated template database.
    await factory.disposeAll();
  }
}

/**
 * The pg adapter runs a migration script by splitting it on ";", which breaks any function
 * body in dollar quotes. Postgres runs a multi-statement script itself (simple query
 * protocol, one implicit transaction), so hand it the script whole.
 */
class WholeScriptPg extends PrismaPg {
  private readonly opened: { dispose(): Promise<void> }[] = [];

  async disposeAll(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((adapter) => adapter.dispose().catch(() => {})));
  }

  override async connect() {
    const adapter = await super.connect();
    this.opened.push(adapter);
    const internals = adapter as unknown as {
      client: { query(sql: string): Promise<unknown> };
      onError(error: unknown): never;
    };
    adapter.executeScript = async (script: string) => {
      try {
        await internals.client.query(script);
      } catch (error) {
        internals.onError(error);
      }
    };
    return adapter;
  }
}

let loaded: Promise<void> | undefined;

function loadWasmOnce(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bytes = fs.readFileSync(path.join(packageDir, "schema_engine_bg.wasm"));
    // The package is built for bundlers that import .wasm as a module; Node needs the
    // wasm-bindgen glue wired up by hand.
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": engineBindings });
    engineBindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loaded;
}
