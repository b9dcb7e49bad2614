import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '../../errors';
import { actorRef, type Actor, type VisitorActor } from '../../core/actor';
import { authorize } from '../../core/policy';
import { logEvents } from '../../core/event-log';
import type { Writer } from '../../db/writer';
import type { DomainEvents } from '../../domain-events';
import { hashToken, newToken, now } from '../../tokens';
import type { CreateVisitorBody, CreateVisitorReply } from '../../../protocol/schemas';
import { conversationPolicy } from '../conversations/conversations.policy';
import type { SitesRepository, Site } from '../sites/sites.repository';
import { checkEmbedOrigin, type EmbedContext } from '../sites/embed-origin';
import type { VisitorsRepository, VisitorRow } from './visitors.repository';

/** A visitor token is forgotten 90 days after the visitor was last seen. */
export const VISITOR_TOKEN_IDLE_MS = 90 * 24 * 3600 * 1000;
/** How stale `last_seen_at` may get before a new connection writes it again. */
const TOUCH_AFTER_MS = 24 * 3600 * 1000;

/** A visitor who proved its token, as services see it. */
export interface VisitorIdentity {
  id: string;
  orgId: string;
  siteId: string;
  name: string | null;
  /** Where this connection comes from (an address key: http/client-address.ts). */
  address: string;
  /** The site's own limit on this visitor's messages, or null for the server-wide one. */
  messagesPerMinute: number | null;
}

/** The visitor as the actor of what it does (the event log's actor). */
export function visitorActor(visitor: VisitorIdentity): VisitorActor {
  return { kind: 'visitor', id: visitor.id, orgId: visitor.orgId, siteId: visitor.siteId };
}

/** Where a visitor request comes from: its origins and its client address. */
export interface VisitorContext extends EmbedContext {
  address: string;
  /** The browser's language (BCP 47) as the widget reports it now; routing prefers agents who speak it. */
  language?: string | undefined;
}

export class VisitorsService {
  constructor(
    private readonly sites: SitesRepository,
    private readonly visitors: VisitorsRepository,
    private readonly writer: Writer,
    private readonly events: DomainEvents,
  ) {}

  /** Makes an anonymous visitor and returns its token, the only copy there will ever be. */
  async create(
    body: CreateVisitorBody,
    context: Omit<VisitorContext, 'pageOrigin'>,
  ): Promise<CreateVisitorReply> {
    const site = await this.allowedSite(body.siteKey, { ...context, pageOrigin: body.pageOrigin });
    await this.refuseBlockedAddress(site.orgId, context.address);
    return this.insertNew(site.orgId, site.id, context.address, body.language ?? null);
  }

  /**
   * A new visitor on the same site as `visitor`, for the same browser: what a shared device gets
   * when another person identifies there, so it never keeps the previous person's history.
   */
  startAnother(visitor: VisitorIdentity): Promise<CreateVisitorReply> {
    return this.insertNew(visitor.orgId, visitor.siteId, visitor.address, null);
  }

  private async insertNew(
    orgId: string,
    siteId: string,
    address: string,
    language: string | null,
  ): Promise<CreateVisitorReply> {
    const token = newToken();
    const at = now();
    const id = randomUUID();
    await this.visitors.insert({
      id,
      org_id: orgId,
      site_id: siteId,
      token_hash: hashToken(token),
      name: null,
      email: null,
      created_at: at,
      last_seen_at: at,
      blocked_at: null,
      blocked_by: null,
      last_address: address,
      language,
      chosen_department_id: null,
    });
    return { visitorId: id, token };
  }

  /**
   * The visitor a token belongs to, on a site that allows the caller's origin. A token unused for
   * 90 days is unknown (the widget then starts as a new visitor); a blocked visitor or address is
   * refused.
   */
  async authenticate(
    siteKey: string,
    token: string,
    context: VisitorContext,
  ): Promise<VisitorIdentity> {
    const site = await this.allowedSite(siteKey, context);
    const row = token ? await this.visitors.findByToken(site.id, hashToken(token)) : undefined;
    const at = now();
    if (!row || Date.parse(row.last_seen_at) < Date.parse(at) - VISITOR_TOKEN_IDLE_MS) {
      throw new AppError('unauthorized', 'Unknown visitor token');
    }
    if (row.blocked_at !== null) throw blocked();
    await this.refuseBlockedAddress(row.org_id, context.address);
    if (
      row.last_address !== context.address ||
      Date.parse(row.last_seen_at) < Date.parse(at) - TOUCH_AFTER_MS
    ) {
      await this.visitors.touch(row.id, at, context.address);
    }
    if (context.language !== undefined && context.language !== row.language) {
      await this.visitors.setLanguage(row.id, context.language);
    }
    return {
      id: row.id,
      orgId: row.org_id,
      siteId: row.site_id,
      name: row.name,
      address: context.address,
      messagesPerMinute: site.visitorMessagesPerMinute,
    };
  }

  /**
   * An agent blocks a visitor of its organization, and with `address` the address it last came
   * from. Returns the address that was blocked, if any, so live connections from it can be ended.
   */
  async block(
    actor: Actor,
    visitorId: string,
    { address }: { address: boolean },
  ): Promise<{ address: string | null }> {
    authorize(conversationPolicy.block(actor), 'You may not block visitors');
    const visitor = await this.visitorOf(actor.orgId, visitorId);
    const blockedAddress = address ? visitor.last_address : null;
    const at = now();
    // A concurrent block of the same address makes this one's insert collide: tried again, it
    // then finds the address blocked and leaves it.
    await this.writer.write(
      async (trx) => {
        await this.visitors
          .withTransaction(trx)
          .block(visitor, blockerId(actor), at, blockedAddress);
        await logEvents(trx, [
          {
            type: 'visitor.blocked',
            orgId: actor.orgId,
            actor,
            visitorId,
            data: { address: blockedAddress !== null },
            at,
          },
        ]);
      },
      { retryOnDuplicate: true },
    );
    this.events.emit('visitor.blocked', {
      orgId: actor.orgId,
      visitorId,
      address: blockedAddress,
    });
    return { address: blockedAddress };
  }

  async unblock(actor: Actor, visitorId: string): Promise<void> {
    authorize(conversationPolicy.block(actor), 'You may not unblock visitors');
    const visitor = await this.visitorOf(actor.orgId, visitorId);
    await this.writer.write(async (trx) => {
      await this.visitors.withTransaction(trx).unblock(visitor);
      await logEvents(trx, [
        { type: 'visitor.unblocked', orgId: actor.orgId, actor, visitorId, at: now() },
      ]);
    });
  }

  private async visitorOf(orgId: string, visitorId: string): Promise<VisitorRow> {
    const visitor = await this.visitors.findForOrg(orgId, visitorId);
    if (!visitor) throw notFound('Visitor');
    return visitor;
  }

  private async refuseBlockedAddress(orgId: string, address: string): Promise<void> {
    if (await this.visitors.isAddressBlocked(orgId, address)) throw blocked();
  }

  private async allowedSite(siteKey: string, embed: EmbedContext): Promise<Site> {
    const site = await this.sites.findByWidgetKey(siteKey);
    if (!site) throw new AppError('unauthorized', 'Unknown site key');
    checkEmbedOrigin(site, embed);
    return site;
  }
}

function blockerId(actor: Actor): string {
  return actorRef(actor).id ?? 'system';
}

// Says no more than that: who blocked, and why, is none of the blocked visitor's business.
const blocked = () => new AppError('forbidden', 'Chat is not available');
