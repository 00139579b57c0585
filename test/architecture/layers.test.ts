import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The lint rules that hold the layers (eslint.config.mjs) refuse a planted wrong import and
 * let the right one through: a rule that matched nothing would pass every other test.
 */
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: path.resolve(__dirname, "../..") });
});

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const planted = x;\n`, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layer rules", () => {
  it.each([
    ["lib/oci/planted.ts", 'import { x } from "@/lib/db/prisma";', /lib\/oci is a library of its own/],
    ["lib/oci/auth/planted.ts", 'import { x } from "@/lib/log";', /lib\/oci is a library of its own/],
    ["lib/oci/planted.ts", 'import { x } from "@/app/layout";', /below the UI/],
    ["lib/registries/planted.ts", 'import { x } from "@/lib/db/prisma";', /never touches the database/],
    ["lib/promotions/planted.ts", 'import { x } from "@/lib/actions/promotions";', /thin server-action layer/],
    ["lib/releases/planted.ts", 'import { x } from "@/components/ui/button";', /below the UI/],
    ["lib/webhooks/planted.ts", 'import { x } from "@/worker/run-worker";', /worker entry/],
    ["lib/promotions/planted.ts", 'import { x } from "@/test/support/database";', /imported only by tests/],
    ["app/(console)/planted/page.tsx", 'import { x } from "@/lib/db/prisma";', /do not query the database/],
    ["components/planted.tsx", 'import { x } from "@/lib/db/prisma";', /do not query the database/],
  ])("refuses %s importing %s", async (file, source, message) => {
    const messages = await restrictedImports(file, source);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.some((text) => message.test(text))).toBe(true);
  });

  it.each([
    ["lib/oci/planted.ts", 'import { x } from "@/lib/oci/digest";'],
    ["lib/oci/auth/planted.ts", 'import { x } from "../errors";'],
    ["lib/registries/planted.ts", 'import { x } from "@/lib/oci/reference";'],
    ["lib/promotions/planted.ts", 'import { x } from "@/lib/change/run-change";'],
    ["lib/promotions/planted.test.ts", 'import { x } from "@/test/support/database";'],
    ["app/api/v1/planted/route.ts", 'import { x } from "@/lib/db/prisma";'],
  ])("lets %s import %s", async (file, source) => {
    expect(await restrictedImports(file, source)).toEqual([]);
  });
});
