import { createHash, randomBytes } from 'node:crypto';

/** A bearer token: 256 random bits, URL-safe. Only its hash is stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 is enough for lookup hashes here: the tokens are 256-bit random, so there is nothing to
 * guess, and a fast hash keeps the per-connection lookup cheap (passwords use argon2id instead).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const now = () => new Date().toISOString();
