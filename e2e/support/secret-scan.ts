import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, APIResponse, Page } from "@playwright/test";
import pg from "pg";
import type { GantryServer } from "./gantry-server";

/**
 * Collects everything Gantry sent out during a spec — page HTML, RSC payloads, server action
 * answers, API JSON — so a test can prove a secret appears in none of it.
 */
export class ResponseRecorder {
  private readonly bodies: Promise<string>[] = [];

  /** Records every response the page gets from Gantry itself. */
  watch(page: Page, origin: string): void {
    page.on("response", (response) => {
      if (!response.url().startsWith(origin)) return;
      this.bodies.push(
        response
          .text()
          .then((text) => `${response.status()} ${response.url()}\n${text}`)
          .catch(() => ""),
      );
    });
  }

  /** An API call whose answer is recorded too; answers the parsed JSON and the status. */
  async api<T = Record<string, unknown>>(
    request: APIRequestContext,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    options: { token: string; body?: unknown },
  ): Promise<{ status: number; json: T }> {
    const response: APIResponse = await request.fetch(url, {
      method,
      headers: { authorization: `Bearer ${options.token}` },
      ...(options.body === undefined ? {} : { data: options.body }),
    });
    const text = await response.text();
    this.bodies.push(Promise.resolve(`${response.status()} ${method} ${url}\n${text}`));
    return { status: response.status(), json: JSON.parse(text) as T };
  }

  async texts(): Promise<string[]> {
    return Promise.all(this.bodies);
  }
}

/** Every row of every application table as JSON text (the audit trail included), read straight from Postgres. */
export async function databaseRows(gantry: GantryServer): Promise<string[]> {
  return withDatabase(gantry, async (client) => {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const rows: string[] = [];
    for (const { table_name: table } of tables.rows) {
      const result = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
      rows.push(...result.rows.map((r) => `${table}: ${r.row}`));
    }
    return rows;
  });
}

/** Runs SQL against the install's database, for state no API creates yet (a release channel). */
export async function sql(gantry: GantryServer, statement: string, values: unknown[] = []): Promise<void> {
  await withDatabase(gantry, (client) => client.query(statement, values));
}

/** Where each canary turned up: empty when none did. */
export function findCanaries(haystacks: { where: string; text: string }[], canaries: string[]): string[] {
  const found: string[] = [];
  for (const { where, text } of haystacks) {
    for (const canary of canaries) if (text.includes(canary)) found.push(`${where} contains ${canary.slice(0, 12)}…`);
  }
  return found;
}

/** The embedded Postgres of the install, with the credentials it keeps in its data folder. */
async function withDatabase<T>(gantry: GantryServer, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const connection = JSON.parse(fs.readFileSync(path.join(gantry.dataDir, "postgres.json"), "utf8")) as {
    port: number;
    user: string;
    password: string;
    database: string;
  };
  const client = new pg.Client({ host: "127.0.0.1", ...connection });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
