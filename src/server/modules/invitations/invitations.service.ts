import { randomUUID } from 'node:crypto';
import type { Actor, AgentActor, BotActor } from '../../core/actor';
import { isoNow, systemClock, type Clock } from '../../core/clock';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import type { Writer } from '../../db/writer';
import { AppError, notFound } from '../../errors';
import type {
  DismissInvitationBody,
  InvitationOffer,
  InvitationRule,
  SentInvitation,
} from '../../../protocol/visitor-schemas';
import { onSiteSince } from '../tracking/on-site';
import type { ConversationView } from '../conversations/conversations.repository';
import type {
  ConversationStarter,
  StartedConversation,
} from '../conversations/conversations.service';
import type { Appended, MessagesService } from '../messages/messages.service';
import type { RoutingService } from '../routing/routing.service';
import type {
  VisitorContext,
  VisitorIdentity,
  VisitorsService,
} from '../visitors/visitors.service';
import { firstMatchingRule, parseRules } from './invitation-rules';
import type { InvitationContext, InvitationSource } from './invitation-source';
import { InvitationsRepository, type InvitationRow } from './invitations.repository';
import { invitationPolicy } from './invitations.policy';

/**
 * After "Reply", the visitor's first message within this long starts the conversation with the
 * invitation; a message much later is a conversation of its own.
 */
export const ANSWER_WINDOW_MS = 30 * 60_000;

/**
 * Proactive invitations: an agent invites a visitor who is browsing, a site's rules invite by
 * themselves, the loader shows what `offerFor` returns, and the visitor dismisses or answers. An
 * answer's first message starts the conversation with the invitation as its first message (the
 * message path) and gives it to the inviting agent (routing).
 */
export class InvitationsService implements InvitationSource, ConversationStarter {
  private readonly repo: InvitationsRepository;

  constructor(
    db: Db,
    private readonly writer: Writer,
    private readonly messages: MessagesService,
    private readonly routing: RoutingService,
    private readonly visitors: VisitorsService,
    private readonly clock: Clock = systemClock,
  ) {
    this.repo = new InvitationsRepository(db);
  }

  /** An agent invites a visitor of its organization who is on a site now and not chatting. */
  async invite(actor: Actor, visitorId: string, message: string): Promise<SentInvitation> {
    authorize(invitationPolicy.invite(actor), 'Only agents invite visitors');
    const visitor = await this.repo.visitorForOrg(actor.orgId, visitorId);
    if (!visitor) throw notFound('Visitor');
    const at = isoNow(this.clock);
    const onSite =
      visitor.current_visit_id !== null &&
      visitor.visit_ended_at === null &&
      visitor.visit_last_seen_at !== null &&
      visitor.visit_last_seen_at >= onSiteSince(this.clock.now());
    if (!onSite) throw new AppError('visitor_not_on_site', 'This visitor is not on the site now');
    if (await this.repo.isChatting(visitorId)) {
      throw new AppError('visitor_chatting', 'This visitor is already chatting');
    }
    const row: InvitationRow = {
      id: randomUUID(),
      org_id: actor.orgId,
      site_id: visitor.site_id,
      visitor_id: visitorId,
      visit_id: visitor.current_visit_id,
      agent_id: (actor as AgentActor).id, // the policy admits agents only
      rule_id: null,
      message,
      created_at: at,
      shown_at: null,
      dismissed_at: null,
      answered_at: null,
      conversation_id: null,
    };
    await this.writer.write(async (trx) => {
      await this.repo.withTransaction(trx).insert(row);
      await logEvents(trx, [
        { type: 'invitation.sent', orgId: actor.orgId, actor, visitorId, data: { id: row.id }, at },
      ]);
    });
    return { id: row.id, visitorId, message, createdAt: at };
  }

  async offerFor(ctx: InvitationContext): Promise<InvitationOffer | null> {
    if (await this.repo.isChatting(ctx.visitorId)) return null;
    return (await this.manualOffer(ctx)) ?? this.ruleOffer(ctx);
  }

  /** The newest invitation agents sent in this visit; older unshown ones go with it. */
  private async manualOffer(ctx: InvitationContext): Promise<InvitationOffer | null> {
    const pending = await this.repo.pendingManual(ctx.visitorId, ctx.visitId);
    const [newest, ...older] = pending;
    if (!newest) return null;
    const at = isoNow(this.clock);
    // Two beacons at once (two tabs, two nodes): only the one that marks it shows it.
    if ((await this.repo.markShown([newest.id], at)) === 0) return null;
    await this.repo.markShown(
      older.map((p) => p.id),
      at,
    );
    const agent = await this.repo.agent(ctx.orgId, newest.agent_id!);
    return { id: newest.id, message: newest.message, agentName: agent?.name ?? null };
  }

  /**
   * The first rule of the site that matches and has not fired in this visit. Two beacons at once
   * (two nodes) both try to record it: the unique (visit, rule) index lets one through, and the
   * other's retry finds it shown. Most beacons match no rule: they open no write at all.
   */
  private async ruleOffer(ctx: InvitationContext): Promise<InvitationOffer | null> {
    const { rules } = ctx;
    if (!firstMatchingRule(rules, ctx)) return null;
    return this.writer.write(
      async (trx) => {
        const repo = this.repo.withTransaction(trx);
        const rule = firstMatchingRule(rules, ctx, await repo.rulesShownIn(ctx.visitId));
        if (!rule) return null;
        const at = isoNow(this.clock);
        const id = randomUUID();
        await repo.insert({
          id,
          org_id: ctx.orgId,
          site_id: ctx.siteId,
          visitor_id: ctx.visitorId,
          visit_id: ctx.visitId,
          agent_id: null,
          rule_id: rule.id,
          message: rule.message,
          created_at: at,
          shown_at: at,
          dismissed_at: null,
          answered_at: null,
          conversation_id: null,
        });
        return { id, message: rule.message, agentName: null };
      },
      { retryOnDuplicate: true },
    );
  }

  /** The loader's "Dismiss": the visitor proves its token, and the invitation is its own. */
  async dismiss(
    invitationId: string,
    body: DismissInvitationBody,
    context: Omit<VisitorContext, 'pageOrigin'>,
  ): Promise<void> {
    const visitor = await this.visitors.authenticate(body.siteKey, body.token, {
      ...context,
      pageOrigin: undefined,
    });
    if (visitor.id !== body.visitorId) throw new AppError('unauthorized', 'Unknown visitor token');
    const invitation = await this.ownInvitation(visitor, invitationId);
    if (invitation.dismissed_at !== null) return;
    if (invitation.answered_at !== null) throw closed();
    const at = isoNow(this.clock);
    await this.writer.write(async (trx) => {
      await this.repo.withTransaction(trx).update(invitation.id, { dismissed_at: at });
      await logEvents(trx, [
        {
          type: 'invitation.dismissed',
          orgId: visitor.orgId,
          actor: { kind: 'visitor', id: visitor.id, orgId: visitor.orgId, siteId: visitor.siteId },
          visitorId: visitor.id,
          data: { id: invitation.id },
          at,
        },
      ]);
    });
  }

  /**
   * The visitor pressed "Reply" (the chat frame says so over its socket): its next message
   * starts the conversation with this invitation. Pressing it again changes nothing.
   */
  async reply(visitor: VisitorIdentity, invitationId: string): Promise<InvitationOffer> {
    const invitation = await this.ownInvitation(visitor, invitationId);
    if (invitation.dismissed_at !== null || invitation.conversation_id !== null) throw closed();
    if (await this.repo.isChatting(visitor.id)) {
      throw new AppError('visitor_chatting', 'You are already chatting');
    }
    if (invitation.answered_at === null) {
      const at = isoNow(this.clock);
      await this.writer.write(async (trx) => {
        await this.repo.withTransaction(trx).update(invitation.id, { answered_at: at });
        await logEvents(trx, [
          {
            type: 'invitation.answered',
            orgId: visitor.orgId,
            actor: {
              kind: 'visitor',
              id: visitor.id,
              orgId: visitor.orgId,
              siteId: visitor.siteId,
            },
            visitorId: visitor.id,
            data: { id: invitation.id },
            at,
          },
        ]);
      });
    }
    const agent = invitation.agent_id
      ? await this.repo.agent(visitor.orgId, invitation.agent_id)
      : undefined;
    return { id: invitation.id, message: invitation.message, agentName: agent?.name ?? null };
  }

  /**
   * ConversationStarter: the visitor's message starts a conversation after it answered an
   * invitation. The invitation goes first, written by its agent (or, for a rule, by the site as
   * a bot); after the visitor's message, routing gives the conversation to the inviting agent
   * when they are online — otherwise it waits in line like any other.
   */
  async start(
    trx: Db,
    visitor: VisitorIdentity,
    conversation: ConversationView,
    at: string,
  ): Promise<StartedConversation | undefined> {
    const repo = this.repo.withTransaction(trx);
    const since = new Date(Date.parse(at) - ANSWER_WINDOW_MS).toISOString();
    const invitation = await repo.answeredAwaitingMessage(visitor.id, since);
    if (!invitation) return undefined;
    const agent = invitation.agent_id
      ? await repo.agent(visitor.orgId, invitation.agent_id)
      : undefined;
    const author: AgentActor | BotActor = agent
      ? { kind: 'agent', id: agent.id, orgId: visitor.orgId, role: agent.role, name: agent.name }
      : await this.siteBot(repo, visitor);
    const first = await this.messages.appendWithin(
      trx,
      conversation,
      author,
      {
        clientId: `invitation-${invitation.id}`,
        body: invitation.message,
        meta: { kind: 'invitation', invitationId: invitation.id },
      },
      at,
      conversation.last_seq === 0,
    );
    await repo.update(invitation.id, { conversation_id: conversation.id });
    return {
      conversation: first.conversation,
      appended: [first],
      afterMessage: async (innerTrx, message): Promise<Appended[]> =>
        agent?.presence === 'online'
          ? [await this.routing.assignInvited(innerTrx, message.conversation, agent)]
          : [],
    };
  }

  /** A site's rules speak as the site: a bot named after it. */
  private async siteBot(repo: InvitationsRepository, visitor: VisitorIdentity): Promise<BotActor> {
    const site = await repo.siteRules(visitor.orgId, visitor.siteId);
    return { kind: 'bot', id: 'invitations', orgId: visitor.orgId, name: site?.name ?? '' };
  }

  async rules(actor: Actor, siteId: string): Promise<InvitationRule[]> {
    authorize(invitationPolicy.editRules(actor), 'Only owners and admins can change a site');
    const site = await this.repo.siteRules(actor.orgId, siteId);
    if (!site) throw notFound('Site');
    return parseRules(site.invitation_rules);
  }

  async setRules(actor: Actor, siteId: string, rules: InvitationRule[]): Promise<InvitationRule[]> {
    authorize(invitationPolicy.editRules(actor), 'Only owners and admins can change a site');
    if (new Set(rules.map((r) => r.id)).size !== rules.length) {
      throw new AppError('invalid_payload', 'Each rule needs an id of its own');
    }
    const site = await this.repo.siteRules(actor.orgId, siteId);
    if (!site) throw notFound('Site');
    const at = isoNow(this.clock);
    await this.writer.write(async (trx) => {
      await this.repo.withTransaction(trx).setSiteRules(actor.orgId, siteId, JSON.stringify(rules));
      await logEvents(trx, [
        {
          type: 'site.updated',
          orgId: actor.orgId,
          actor,
          data: { siteId, invitationRules: rules.length },
          at,
        },
      ]);
    });
    return rules;
  }

  private async ownInvitation(visitor: VisitorIdentity, id: string): Promise<InvitationRow> {
    const invitation = await this.repo.findForVisitor(visitor.id, id);
    if (!invitation || invitation.org_id !== visitor.orgId) throw notFound('Invitation');
    return invitation;
  }
}

const closed = () => new AppError('invitation_closed', 'This invitation was answered or dismissed');
