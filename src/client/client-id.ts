/** A fresh idempotency key for a message; it matches CLIENT_ID_PATTERN. */
export function newClientId(): string {
  // randomUUID exists only in secure contexts, and a self-hosted server on plain http is not one.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
}
