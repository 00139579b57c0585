import { hash, verify, type Algorithm } from "@node-rs/argon2";

// `Algorithm` is a const enum, which isolated modules cannot read: 2 is Argon2id.
const argon2id = 2 as Algorithm;

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const options = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account doesn't exist, so timing doesn't reveal that. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword("decoy-password-for-missing-accounts");
  return decoy;
}
