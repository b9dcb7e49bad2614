/** Fewest milliseconds between two typing changes passed on for one key. */
const MIN_GAP_MS = 500;
/** A repeated "still typing" is passed on at most this often (clients repeat it to stay shown). */
const REPEAT_MS = 2_000;
/** A key quiet this long is forgotten; its next report is passed on at once. */
const FORGET_MS = 10_000;

type Pass = (typing: boolean) => void;

interface KeyState {
  /** The ticket of the newest report taken for this key. */
  ticket: number;
  shown: boolean;
  shownAt: number;
  /** The latest report while waiting out the gap; passed on when the gap is over. */
  pending: boolean | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  pass: Pass;
}

/**
 * Coalesces typing reports per key (a visitor, an agent in a conversation) before they cost a
 * lookup and reach every agent: at most two changes a second, repeats of one state at most every
 * two seconds, and the last state always passed on. A flood of toggles from many sockets becomes a
 * few events, and whoever watches is left with the right answer.
 */
export class TypingGate {
  private readonly keys = new Map<string, KeyState>();
  private issued = 0;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.forgetQuiet(), FORGET_MS);
    this.sweeper.unref();
  }

  /**
   * A report's place in line, taken when it arrives. Callers look up the conversation before they
   * report, and with a pool of database connections (PostgreSQL, MySQL) those lookups can finish
   * out of order: the gate then drops the older report, so the last state sent is the one shown.
   */
  ticket(): number {
    return ++this.issued;
  }

  report(key: string, typing: boolean, pass: Pass, ticket = this.ticket()): void {
    const now = this.clock();
    const state = this.keys.get(key);
    if (state && ticket < state.ticket) return; // overtaken by a report that arrived later
    if (!state) {
      this.keys.set(key, {
        ticket,
        shown: typing,
        shownAt: now,
        pending: undefined,
        timer: undefined,
        pass,
      });
      pass(typing);
      return;
    }
    state.ticket = ticket;
    state.pass = pass;
    if (state.timer !== undefined) {
      state.pending = typing;
      return;
    }
    const since = now - state.shownAt;
    if (typing === state.shown && since < REPEAT_MS) return;
    if (since >= MIN_GAP_MS) {
      this.show(state, typing);
      return;
    }
    state.pending = typing;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      const next = state.pending;
      state.pending = undefined;
      if (next !== undefined && next !== state.shown) this.show(state, next);
    }, MIN_GAP_MS - since);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const state of this.keys.values()) clearTimeout(state.timer);
    this.keys.clear();
  }

  private show(state: KeyState, typing: boolean): void {
    state.shown = typing;
    state.shownAt = this.clock();
    state.pass(typing);
  }

  private forgetQuiet(): void {
    const before = this.clock() - FORGET_MS;
    for (const [key, state] of this.keys) {
      if (state.timer === undefined && state.shownAt < before) this.keys.delete(key);
    }
  }
}
