import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

const TOKEN_FILE = "serve.token";
const TOKEN_BYTES = 32;

/** Where the access token lives: a file only the user can read (mode 0600), in the data folder. */
export function tokenPath(home: string): string {
  return path.join(home, TOKEN_FILE);
}

/** A new random token: 32 bytes from the OS CSPRNG, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** The token, created on first use. */
export function ensureAccessToken(home: string): string {
  const current = readAccessToken(home);
  return current ?? writeAccessToken(home, newSecret());
}

/** The current token, or undefined when none was made yet. Read on every check, so a rotation applies at once. */
export function readAccessToken(home: string): string | undefined {
  const file = tokenPath(home);
  if (!existsSync(file)) return undefined;
  const token = readFileSync(file, "utf8").trim();
  return token === "" ? undefined : token;
}

/** Replaces the token (written to a temporary file, then renamed over the old one). */
export function rotateAccessToken(home: string): string {
  return writeAccessToken(home, newSecret());
}

function writeAccessToken(home: string, token: string): string {
  mkdirSync(home, { recursive: true });
  const file = tokenPath(home);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return token;
}

/** Compares in constant time (of the SHA-256 digests, so lengths never leak either). */
export function secretsMatch(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

export function sha256Hex(value: string): string {
  return sha256(value).toString("hex");
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
