/**
 * Counts the client events being handled, so a node that is stopping can finish its writes
 * before it closes the store: an event whose commit completes after its socket was closed is
 * still stored, and the client's resend (same client id) finds it on another node.
 */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Marks an event as started; call the returned function once when it has ended. */
  begin(): () => void {
    this.count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count -= 1;
      if (this.count === 0) this.waiters.splice(0).forEach((resolve) => resolve());
    };
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`, whichever comes first. */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
