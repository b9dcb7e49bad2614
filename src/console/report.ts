/** Catch-up work nobody waits on: the next reconnect or gap retries it, so it is only logged. */
export function reportBackgroundFailure(error: unknown): void {
  console.error('[parley] background sync failed', error);
}
