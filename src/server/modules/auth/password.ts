import { hash, verify } from '@node-rs/argon2';

// Argon2id (the library's default algorithm) at OWASP's floor: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no stored hash (unknown email) it still runs one
 * verification, so the answer takes as long and does not reveal which emails have accounts.
 */
export async function verifyPassword(
  stored: string | undefined,
  password: string,
): Promise<boolean> {
  dummyHash ??= hashPassword('parley-no-such-account');
  const ok = await verify(stored ?? (await dummyHash), password);
  return stored !== undefined && ok;
}
