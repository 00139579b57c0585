import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/*
 * Layers point one way (docs/architecture.md): app → lib/actions → domain → lib/change,
 * lib/queue, lib/db → lib/registries → lib/oci. Each block below holds one arrow. ESLint
 * replaces, not merges, a rule's options when several blocks match a file, so a block
 * repeats the restrictions of the wider blocks it narrows (`layer(...)` composes them).
 */
const tests = ["**/*.test.ts", "**/*.test.tsx"];

const outerLayers = [
  { group: ["@/app/*", "@/components/*"], message: "lib/ is below the UI: move shared code into lib/." },
  {
    group: ["@/lib/actions", "@/lib/actions/*"],
    message: "lib/actions is the thin server-action layer; domain code uses lib/change.",
  },
  { group: ["@/worker", "@/worker/*"], message: "The worker entry imports lib/, not the other way round." },
  { group: ["@/test/*"], message: "Test kits live in test/support and are imported only by tests." },
];
const database = {
  group: ["@/lib/db", "@/lib/db/*"],
  message: "lib/registries never touches the database: lib/connections loads what it needs.",
};
const outsideOci = {
  regex: "^@/(?!lib/oci/)",
  message: "lib/oci is a library of its own: it imports nothing else from the project.",
};
const pageDatabase = {
  group: ["@/lib/db/prisma"],
  message: "Pages and components do not query the database: add a function to the domain.",
};

function layer(files, patterns) {
  return { files, ignores: tests, rules: { "no-restricted-imports": ["error", { patterns }] } };
}

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  layer(["lib/**/*.ts", "lib/**/*.tsx"], outerLayers),
  layer(["lib/registries/**"], [...outerLayers, database]),
  layer(["lib/oci/**"], [...outerLayers, outsideOci]),
  layer(["app/**/*.tsx", "components/**"], [pageDatabase]),
  {
    // CommonJS on purpose: loaded by bin/gantry before any bundle exists.
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Playwright fixtures call `use(...)`, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  globalIgnores([
    ".next/**",
    "dist/**",
    ".gantry/**",
    "lib/db/generated/**",
    "next-env.d.ts",
    "bench/out/**",
    "test-results/**",
    "playwright-report/**",
  ]),
]);
