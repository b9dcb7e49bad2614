import type { Limits } from '../../env';
import { rateLimited } from '../../errors';
import { perHour, perMinute, type RateLimiter } from '../../core/rate-limiter';
import type { VisitorIdentity } from '../visitors/visitors.service';

/**
 * Whether a visitor may write now: the limits per visitor (over all its sockets and reconnects),
 * per address and per site, and on new conversations per address. Checked before anything is
 * stored; a refusal says when to try again. Buckets are taken narrowest first and the first
 * refusal stops, so one noisy visitor does not use up its neighbours' share of the address.
 */
export class VisitorAdmission {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: Limits,
  ) {}

  async admitMessage(visitor: VisitorIdentity): Promise<void> {
    const { limits } = this;
    const buckets = [
      [`msg:visitor:${visitor.id}`, visitor.messagesPerMinute ?? limits.visitorMessagesPerMinute],
      [`msg:address:${visitor.orgId}:${visitor.address}`, limits.addressMessagesPerMinute],
      [`msg:site:${visitor.siteId}`, limits.siteMessagesPerMinute],
    ] as const;
    for (const [key, rate] of buckets) {
      const wait = await this.limiter.take(key, perMinute(rate));
      if (wait > 0) throw rateLimited('Too many messages; wait a moment', wait);
    }
  }

  async admitConversation(visitor: VisitorIdentity): Promise<void> {
    const key = `conversation:address:${visitor.orgId}:${visitor.address}`;
    const wait = await this.limiter.take(key, perHour(this.limits.addressConversationsPerHour));
    if (wait > 0) throw rateLimited('Too many new conversations from this address', wait);
  }
}
