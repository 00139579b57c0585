import crypto from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import type { GantryServer } from "./gantry-server";

export interface ApiAnswer<T = unknown> {
  status: number;
  json: T;
}

/** Calls /api/v1 with a Bearer token, answering the status and the parsed JSON body. */
export async function api<T = unknown>(
  request: APIRequestContext,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  token: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await request.fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { data: body }),
    timeout: 60_000,
  });
  return { status: response.status(), json: (await response.json()) as T };
}

/** A fresh API token for an existing user, made the way an admin would: `gantry tokens create`. */
export async function apiToken(gantry: GantryServer, email: string, role: string, label = "e2e"): Promise<string> {
  const { stdout } = await gantry.cli([
    "tokens",
    "create",
    "--email",
    email,
    "--name",
    `${label}-${crypto.randomBytes(3).toString("hex")}`,
    "--role",
    role,
  ]);
  return stdout.trim();
}
