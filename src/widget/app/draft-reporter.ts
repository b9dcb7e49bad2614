/** How often the visitor's draft goes to the agents at most, while the sneak peek is on. */
const DRAFT_THROTTLE_MS = 700;

/**
 * Sends the visitor's unsent text (the sneak peek) at most once per interval, the latest text
 * last; an empty one once the text is sent or cleared. Sends nothing while the site has the sneak
 * peek off.
 */
export class DraftReporter {
  private enabled = false;
  private pending: string | undefined;
  private sent = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly report: (text: string) => void,
    private readonly throttleMs = DRAFT_THROTTLE_MS,
  ) {}

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pending = undefined;
    }
  }

  input(text: string): void {
    if (!this.enabled) return;
    this.pending = text;
    if (this.timer === undefined) this.flush();
  }

  clear(): void {
    if (this.enabled && (this.sent !== '' || this.pending !== undefined)) this.input('');
  }

  private flush(): void {
    this.timer = undefined;
    if (this.pending === undefined || this.pending === this.sent) {
      this.pending = undefined;
      return;
    }
    this.sent = this.pending;
    this.pending = undefined;
    this.report(this.sent);
    this.timer = setTimeout(() => this.flush(), this.throttleMs);
  }
}
