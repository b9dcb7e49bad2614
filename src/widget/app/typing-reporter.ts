/** When to tell the agent the visitor is typing: often enough to look live, rarely enough to be cheap. */
const TYPING_TIMING = { throttleMs: 2_000, idleMs: 3_000 };

/**
 * Turns keystrokes into `typing` reports: `true` at most once per throttle interval while the
 * visitor types, `false` once after they pause, send, or clear the text.
 */
export class TypingReporter {
  private typing = false;
  private lastReportAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly report: (typing: boolean) => void,
    private readonly timing = TYPING_TIMING,
  ) {}

  input(): void {
    const now = Date.now();
    if (!this.typing || now - this.lastReportAt >= this.timing.throttleMs) {
      this.typing = true;
      this.lastReportAt = now;
      this.report(true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.timing.idleMs);
  }

  stop(): void {
    clearTimeout(this.idleTimer);
    if (!this.typing) return;
    this.typing = false;
    this.report(false);
  }
}
