import pino from "pino";

/**
 * The process logger. Secrets are redacted by key wherever they appear, and error messages
 * from registries pass through `scrubUrlCredentials` before they are logged.
 */
export const log = pino({
  level: process.env.GANTRY_LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { service: process.env.GANTRY_PROCESS ?? "gantry" },
  redact: {
    paths: [
      "password",
      "*.password",
      "secret",
      "*.secret",
      "token",
      "*.token",
      "authorization",
      "*.authorization",
      "headers.authorization",
      "*.headers.authorization",
      "headers.cookie",
      "*.headers.cookie",
      "secretCiphertext",
      "*.secretCiphertext",
      "databaseUrl",
    ],
    censor: "[redacted]",
  },
});

/** Removes `user:password@` from any URL inside a message. */
export function scrubUrlCredentials(message: string): string {
  return message.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(:[^\s/@]*)?@/gi, "$1[redacted]@");
}
