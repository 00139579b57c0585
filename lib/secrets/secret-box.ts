import crypto from "node:crypto";

/**
 * AES-256-GCM for secrets at rest (registry passwords, tokens, keys). A sealed value is
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts); the key id names which key sealed
 * it, and the `context` (e.g. the registry's id) is bound as associated data, so a sealed
 * value copied onto another row does not open.
 */
export class SecretBox {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new SecretKeyError(
        `GANTRY_SECRET_KEY must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`); got ${key.length} bytes`,
      );
    this.key = key;
    this.keyId = keyIdOf(key);
  }

  static fromBase64(value: string | undefined): SecretBox {
    if (!value)
      throw new SecretKeyError(
        "GANTRY_SECRET_KEY is not set: start Gantry with `npm start`, or set it to 32 random bytes in base64",
      );
    return new SecretBox(Buffer.from(value.trim(), "base64"));
  }

  seal(plaintext: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [
      "v1",
      this.keyId,
      iv.toString("base64url"),
      cipher.getAuthTag().toString("base64url"),
      ciphertext.toString("base64url"),
    ].join(".");
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split(".");
    if (version !== "v1" || !keyId || !iv || !tag || ciphertext === undefined)
      throw new SecretKeyError("a stored secret is not in a format this version of Gantry reads");
    if (keyId !== this.keyId) {
      throw new SecretKeyError(
        `a stored secret was sealed with key ${keyId}, but GANTRY_SECRET_KEY is key ${this.keyId}: start with the key it was sealed with, or run \`gantry secrets rotate\` from it`,
      );
    }
    try {
      const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretKeyError(
        "a stored secret failed its integrity check (it was altered, or belongs to another record)",
      );
    }
  }
}

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

/** A short public fingerprint of a key, safe to log and store. */
export function keyIdOf(key: Buffer): string {
  return crypto.createHash("sha256").update("gantry-secret-key").update(key).digest("hex").slice(0, 12);
}

let current: SecretBox | undefined;

/** The box for GANTRY_SECRET_KEY (set by `gantry start` from the data folder when unset). */
export function secretBox(): SecretBox {
  current ??= SecretBox.fromBase64(process.env.GANTRY_SECRET_KEY);
  return current;
}
