import { isoNow, type Clock } from '../../core/clock';
import type { Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Writer } from '../../db/writer';
import type { DomainEvents } from '../../domain-events';
import { notFound } from '../../errors';
import {
  LIVE_VISITORS_MAX,
  liveVisitor,
  type LiveVisitor,
  type LiveVisitorsQuery,
  type LiveVisitorsReply,
  type VisitorProfileChanges,
  type VisitorProfileReply,
} from '../../../protocol/visitor-schemas';
import { preview } from '../conversations/presenters';
import { onSiteSince } from '../tracking/on-site';
import { mayView, type ConversationVisibility } from '../conversations/visibility';
import type { LiveVisitorsRepository } from '../tracking/live-visitors.repository';
import { VisitorProfilesRepository } from './visitor-profiles.repository';
import { visitorPolicy } from './visitors.policy';
import { parseAttributes } from './visitor-attributes';

/** Pages of one visit's trail, visits and conversations a profile shows. */
const TRAIL_MAX = 200;
const VISITS_MAX = 20;
const CONVERSATIONS_MAX = 20;

/** The live visitors view and the visitor profile beside a conversation, for agents. */
export class VisitorProfilesService {
  constructor(
    private readonly repo: VisitorProfilesRepository,
    private readonly liveRows: LiveVisitorsRepository,
    private readonly visibility: ConversationVisibility,
    private readonly writer: Writer,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * Everyone on the organization's sites now. Site and country are filtered by the store; the
   * page substring and chatting here, on at most LIVE_VISITORS_MAX rows (the latest seen).
   */
  async live(actor: Actor, query: LiveVisitorsQuery): Promise<LiveVisitorsReply> {
    authorize(visitorPolicy.read(actor), 'You may not see visitors');
    const [visitors, sites] = await Promise.all([
      this.liveVisitors(actor, query),
      this.repo.siteNames(actor.orgId),
    ]);
    return { visitors, sites };
  }

  private async liveVisitors(actor: Actor, query: LiveVisitorsQuery): Promise<LiveVisitor[]> {
    const visitors = await this.liveRows.onSite(
      actor.orgId,
      this.liveCutoff(),
      { siteId: query.siteId, country: query.country?.toUpperCase() },
      LIVE_VISITORS_MAX,
    );
    const page = query.page?.toLowerCase();
    return visitors
      .filter((v) => page === undefined || (v.currentUrl ?? '').toLowerCase().includes(page))
      .filter(
        (v) =>
          query.chatting === undefined ||
          (v.conversationId !== null) === (query.chatting === 'yes'),
      );
  }

  async profile(actor: Actor, visitorId: string): Promise<VisitorProfileReply> {
    authorize(visitorPolicy.read(actor), 'You may not see visitors');
    const { orgId } = actor;
    const [found, details] = await Promise.all([
      this.liveRows.find(orgId, visitorId, this.liveCutoff()),
      this.repo.details(orgId, visitorId),
    ]);
    if (!found || !details) throw notFound('Visitor');
    const [trail, visits, conversations, scope] = await Promise.all([
      found.visitId ? this.repo.trail(orgId, found.visitId, TRAIL_MAX) : Promise.resolve([]),
      this.repo.visits(orgId, visitorId, VISITS_MAX),
      this.repo.conversations(orgId, visitorId, CONVERSATIONS_MAX),
      this.visibility.scopeOf(actor),
    ]);
    return {
      visitor: {
        ...found.live,
        online: found.onSite,
        firstSeenAt: found.firstSeenAt,
        language: details.language,
        timeZone: details.time_zone,
        attributes: parseAttributes(details.attributes),
        notes: details.notes ?? '',
      },
      trail: trail.map((p) => ({
        url: p.url,
        title: p.title,
        viewedAt: p.viewed_at,
        seconds: p.seconds,
      })),
      visits: visits.map((v) => ({
        startedAt: v.started_at,
        pages: v.page_count,
        referrer: v.referrer,
      })),
      conversations: conversations
        .filter((c) => mayView(scope, c))
        .map((c) => ({
          id: c.id,
          status: c.status,
          updatedAt: c.updated_at,
          preview: preview(c.last_message_body ?? ''),
        })),
      preChat: { department: details.department_name },
    };
  }

  /** An agent corrects the name or email, or writes notes; an empty text clears the field. */
  async update(
    actor: Actor,
    visitorId: string,
    changes: VisitorProfileChanges,
  ): Promise<VisitorProfileReply> {
    authorize(visitorPolicy.edit(actor), 'You may not change visitors');
    if (!(await this.repo.details(actor.orgId, visitorId))) throw notFound('Visitor');
    const stored = {
      ...(changes.name === undefined ? {} : { name: changes.name || null }),
      ...(changes.email === undefined ? {} : { email: changes.email || null }),
      ...(changes.notes === undefined ? {} : { notes: changes.notes || null }),
    };
    if (Object.keys(stored).length > 0) {
      await this.writer.write(async (trx) => {
        await new VisitorProfilesRepository(trx).update(actor.orgId, visitorId, stored);
        await logEvents(trx, [
          {
            type: 'visitor.updated',
            orgId: actor.orgId,
            actor,
            visitorId,
            data: { fields: Object.keys(stored).join(',') },
            at: isoNow(this.clock),
          },
        ]);
      });
    }
    const profile = await this.profile(actor, visitorId);
    if (profile.visitor.online && (changes.name !== undefined || changes.email !== undefined)) {
      // The live row is the profile's visitor without the profile's own fields.
      const visitor = liveVisitor.parse(profile.visitor);
      this.events.emit('visitor.profile_changed', { orgId: actor.orgId, visitor });
    }
    return profile;
  }

  /** The sweep ends idle visits every few seconds; until it runs, this keeps them out. */
  private liveCutoff(): string {
    return onSiteSince(this.clock.now());
  }
}
