import { defineConfig } from "prisma/config";

// Used by `prisma generate` only. Migrations run through lib/db/migrate.ts (the schema
// engine compiled to WebAssembly), so no native engine binary is ever downloaded.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
