import { AppError } from '../errors';

/**
 * Counts open connections per key (a visitor, an address) on this node and refuses one past the
 * cap. `open` reserves a place synchronously, so parallel handshakes cannot all squeeze in; the
 * returned function gives it back and must be called exactly once (on disconnect or refusal).
 */
export class ConnectionCaps {
  private readonly open_ = new Map<string, number>();

  open(key: string, cap: number, what: string): () => void {
    const count = this.open_.get(key) ?? 0;
    if (count >= cap) {
      throw new AppError(
        'too_many_connections',
        `Too many connections from this ${what}; close one and try again`,
        5,
      );
    }
    this.open_.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open_.get(key) ?? 1) - 1;
      if (left > 0) this.open_.set(key, left);
      else this.open_.delete(key);
    };
  }
}
