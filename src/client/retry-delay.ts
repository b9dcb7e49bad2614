/** Exponential backoff with jitter (1 s, 2 s, 4 s … 30 s), so many visitors do not retry in step. */
export function retryDelay(attempt: number): number {
  const ceiling = Math.min(30_000, 1_000 * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
