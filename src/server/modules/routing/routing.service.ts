import type { Actor, AgentActor, SystemActor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import type { Writer } from '../../db/writer';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import { now } from '../../tokens';
import type {
  MessageMeta,
  QueuePosition,
  RoutingStrategy,
} from '../../../protocol/routing-schemas';
import type { Conversation } from '../../../protocol/schemas';
import {
  ConversationsRepository,
  type ConversationView,
} from '../conversations/conversations.repository';
import { toConversation } from '../conversations/presenters';
import type { QueueChange, WaitingConversation } from '../conversations/conversations.service';
import type { Appended, MessagesService } from '../messages/messages.service';
import type { VisitorIdentity } from '../visitors/visitors.service';
import { estimateWaits, positionOf, type VisitorPosition } from './queue-estimate';
import { pickAgent, speaks, type Candidate } from './pick-agent';
import { RoutingRepository, type OnlineAgent, type RoutingDepartment } from './routing.repository';
import { routingPolicy } from './routing.policy';

/** How many waiting conversations one routing pass looks at; the next pass takes the rest. */
const PASS_SIZE = 200;

/** Where a conversation's routing happens: its live department, or the whole team. */
interface Lane {
  department: RoutingDepartment | undefined;
  strategy: RoutingStrategy;
  cursor: string | null;
  pool: Candidate[];
}

/**
 * Auto-assignment, the queue, claims and take-overs. Every new (or reopened) conversation joins
 * its department's queue in its opening transaction; a routing pass then gives waiting
 * conversations, oldest first, to online agents with room, and records why on the timeline (an
 * internal entry, in the same transaction). Passes run after commits that may have freed or
 * added capacity — a conversation opened or resolved, an agent came online — and every minute
 * as a safety net.
 */
export class RoutingService {
  private readonly repo: RoutingRepository;
  private readonly conversations: ConversationsRepository;
  /**
   * Per organization: the pass waiting to start (callers join it) and the one running; each
   * resolves to whether it told every waiting visitor where they are.
   */
  private readonly waiting = new Map<string, Promise<boolean>>();
  private readonly running = new Map<string, Promise<boolean>>();
  /** Organizations whose line changed without an assignment; their next pass tells everyone. */
  private readonly lineMoved = new Set<string>();

  constructor(
    db: Db,
    private readonly writer: Writer,
    private readonly messages: MessagesService,
    private readonly events: DomainEvents,
    private readonly onError: (error: unknown) => void,
  ) {
    this.repo = new RoutingRepository(db);
    this.conversations = new ConversationsRepository(db);
    events.on('agent.presence', (e) => (e.presence === 'online' ? this.route(e.orgId) : undefined));
  }

  /**
   * Runs a routing pass for the organization after the caller's commit, and resolves once one
   * that started after this call has finished (it never rejects: failures go to `onError`, and
   * the periodic pass tries again). Calls that come while a pass waits to start join it; passes
   * of one organization on this node run one after another. Across nodes the lock on the
   * organization's routing row serializes them.
   *
   * Waiting visitors hear where they are only when the line moved: the pass assigned some, or
   * `change` says one left or came back. A conversation that just `joined` the end of the line
   * moves nobody: only its own visitor is told, unless the pass told everyone.
   */
  async route(orgId: string, change?: QueueChange): Promise<void> {
    if (change && 'moved' in change) this.lineMoved.add(orgId);
    const toldEveryone = await this.passFor(orgId);
    if (change && 'joined' in change && !toldEveryone) {
      await this.announceOne(orgId, change.joined).catch(this.onError);
    }
  }

  private passFor(orgId: string): Promise<boolean> {
    const waiting = this.waiting.get(orgId);
    if (waiting) return waiting;
    const previous = this.running.get(orgId) ?? Promise.resolve(false);
    const pass = previous.then(async () => {
      this.waiting.delete(orgId);
      return this.pass(orgId).catch((error: unknown) => {
        this.onError(error);
        return false;
      });
    });
    this.waiting.set(orgId, pass);
    this.running.set(orgId, pass);
    void pass.then(() => {
      if (this.running.get(orgId) === pass) this.running.delete(orgId);
    });
    return pass;
  }

  /**
   * Puts a conversation back in line, for other modules (a transfer nobody accepted, a transfer
   * to a department): they write `backToQueue(...)` into the conversation in their transaction
   * and call this after it commits. `departmentId` is informational: one pass routes every queue
   * of the organization.
   */
  requeue(orgId: string, _departmentId?: string | null): Promise<void> {
    return this.route(orgId, { moved: true });
  }

  /** Every organization with someone waiting gets a pass (the periodic safety net). */
  async routeAll(): Promise<void> {
    for (const orgId of await this.repo.organizationsWithQueue()) await this.route(orgId);
  }

  /** Resolves once the passes under way have finished (before the store closes). */
  async close(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  /** An agent takes a waiting conversation by hand. */
  claim(actor: Actor, conversationId: string): Promise<Conversation> {
    authorize(routingPolicy.claim(actor), 'Only agents claim conversations');
    return this.takeBy(actor as AgentActor, conversationId, false);
  }

  /** A supervisor (or above) takes a conversation from whoever has it. */
  takeOver(actor: Actor, conversationId: string): Promise<Conversation> {
    authorize(routingPolicy.takeOver(actor), 'Only supervisors take conversations over');
    return this.takeBy(actor as AgentActor, conversationId, true); // the policy admits agents only
  }

  /**
   * Where the visitor's current (or named) conversation is in line now; null before its first
   * message. A conversation that is not the visitor's own is not found.
   */
  async queuePosition(
    visitor: VisitorIdentity,
    target: { conversationId?: string | undefined },
  ): Promise<QueuePosition | null> {
    const named = target.conversationId !== undefined;
    const conversation = named
      ? await this.conversations.findForVisitor(visitor.id, target.conversationId!)
      : await this.conversations.findLatestForVisitor(visitor.id);
    if (!conversation) {
      if (named) throw notFound('Conversation');
      return null;
    }
    const entry = await this.repo.queueEntry(visitor.orgId, conversation.id);
    return entry ? positionOf(this.repo, visitor.orgId, entry) : notWaiting(conversation.id);
  }

  private async takeBy(
    actor: AgentActor,
    conversationId: string,
    takeover: boolean,
  ): Promise<Conversation> {
    const outcome = await this.writer.write(async (trx) => {
      const conversations = new ConversationsRepository(trx);
      const row = await conversations.lockForOrg(actor.orgId, conversationId);
      if (!row) throw notFound('Conversation');
      await this.checkDepartment(trx, actor, row.department_id);
      if (row.status === 'resolved') {
        throw new AppError('conversation_resolved', 'This conversation is resolved');
      }
      if (row.assignee_id === actor.id) return undefined; // theirs already: nothing changes
      if (row.assignee_id !== null && !takeover) {
        throw new AppError('already_assigned', 'Someone already has this conversation');
      }
      const view = await conversations.findForOrg(actor.orgId, conversationId);
      const meta: MessageMeta = {
        kind: 'claimed',
        agentId: actor.id,
        agentName: actor.name,
        takeover: row.assignee_id !== null,
      };
      const body = `${meta.takeover ? 'Taken over' : 'Claimed'} by ${actor.name}`;
      const appended = await this.assign(
        trx,
        { ...view!, status: row.status },
        actor,
        actor,
        meta,
        body,
      );
      return { appended, wasQueued: row.queued_at !== null };
    });
    if (!outcome) {
      const view = await this.conversations.findForOrg(actor.orgId, conversationId);
      if (!view) throw notFound('Conversation');
      return toConversation(view);
    }
    this.messages.announce(outcome.appended);
    if (outcome.wasQueued) await this.announcePositions(actor.orgId, [outcome.appended]);
    return toConversation(outcome.appended.conversation);
  }

  /**
   * Gives a conversation a visitor started by answering an agent's invitation to that agent, in
   * the caller's transaction, with the agents-only entry that says why; the caller announces it
   * after the commit. The agent asked for this conversation, so it goes past the queue, their
   * departments and their maximum, as a claim would.
   */
  assignInvited(
    trx: Db,
    conversation: ConversationView,
    agent: { id: string; name: string },
  ): Promise<Appended> {
    const meta: MessageMeta = { kind: 'invited', agentId: agent.id, agentName: agent.name };
    return this.assign(trx, conversation, agent, undefined, meta, `Invited by ${agent.name}`);
  }

  /** Agents and supervisors act only in their departments; a conversation of none is everyone's. */
  private async checkDepartment(trx: Db, actor: AgentActor, departmentId: string | null) {
    if (departmentId === null || routingPolicy.anyDepartment(actor)) return;
    if (await this.repo.withTransaction(trx).isMember(actor.id, departmentId)) return;
    throw new AppError(
      'not_in_department',
      'This conversation belongs to a department you are not in',
    );
  }

  /** One routing pass, committed, then announced; true when every waiting visitor was told. */
  private async pass(orgId: string): Promise<boolean> {
    const moved = this.lineMoved.delete(orgId);
    const assigned = await this.writer.write((trx) => this.assignWaiting(trx, orgId));
    for (const appended of assigned) this.messages.announce(appended);
    if (assigned.length === 0 && !moved) return false;
    await this.announcePositions(orgId, assigned);
    return true;
  }

  /**
   * Gives waiting conversations, oldest first, to eligible agents, under the organization's
   * lock. Loads are read inside the lock and counted up as the pass assigns, so nobody goes past
   * their maximum whatever runs at the same time on other nodes.
   */
  private async assignWaiting(trx: Db, orgId: string): Promise<Appended[]> {
    const repo = this.repo.withTransaction(trx);
    const organization = await repo.lockOrganization(orgId);
    const agents = await repo.onlineAgents(orgId);
    if (agents.length === 0) return [];
    const queue = await repo.queued(orgId, PASS_SIZE);
    if (queue.length === 0) return [];
    const candidates = await this.candidates(repo, orgId, agents);
    const departments = new Map((await repo.departments(orgId)).map((d) => [d.id, d]));
    const members = await this.membersByDepartment(repo, orgId);
    let orgCursor = organization.last_assigned_agent_id;
    const conversations = new ConversationsRepository(trx);
    const appended: Appended[] = [];
    for (const waiting of queue) {
      const lane = laneOf(waiting, departments, members, candidates, orgCursor);
      const pick = pickAgent(lane.pool, lane.strategy, lane.cursor, waiting.language);
      if (!pick) continue;
      // A claim may have taken it since the queue was read: check under its row lock.
      const row = await conversations.lock(waiting.id);
      if (row.assignee_id !== null || row.queued_at === null || row.status === 'resolved') continue;
      const meta: MessageMeta = {
        kind: 'assignment',
        agentId: pick.agent.id,
        agentName: pick.agent.name,
        strategy: lane.strategy,
        departmentId: lane.department?.id ?? null,
        language: waiting.language,
        languageMatch: pick.languageMatch,
        candidates: lane.pool.map((c) => ({
          agentId: c.id,
          name: c.name,
          load: c.load,
          maxChats: c.maxChats,
          speaksLanguage: speaks(c, waiting.language),
        })),
      };
      const body = `Assigned to ${pick.agent.name} (${lane.strategy.replace('_', ' ')})`;
      appended.push(
        await this.assign(
          trx,
          { ...waiting, status: row.status },
          pick.agent,
          undefined,
          meta,
          body,
        ),
      );
      pick.agent.load += 1;
      if (lane.department) {
        lane.department.last_assigned_agent_id = pick.agent.id;
        await repo.setDepartmentCursor(lane.department.id, pick.agent.id);
      } else {
        orgCursor = pick.agent.id;
        await repo.setOrganizationCursor(orgId, pick.agent.id);
      }
    }
    return appended;
  }

  /** Online agents with their load now. */
  private async candidates(
    repo: RoutingRepository,
    orgId: string,
    agents: OnlineAgent[],
  ): Promise<Candidate[]> {
    const loads = await repo.loads(
      orgId,
      agents.map((a) => a.id),
    );
    return agents.map((a) => ({
      id: a.id,
      name: a.name,
      load: loads.get(a.id) ?? 0,
      maxChats: a.max_chats,
      languages: a.languages === null ? [] : (JSON.parse(a.languages) as string[]),
    }));
  }

  private async membersByDepartment(repo: RoutingRepository, orgId: string) {
    const members = new Map<string, Set<string>>();
    for (const m of await repo.memberships(orgId)) {
      const set = members.get(m.department_id) ?? new Set<string>();
      set.add(m.agent_id);
      members.set(m.department_id, set);
    }
    return members;
  }

  /**
   * Gives the conversation to `agent` and appends the internal entry that says why, in the
   * caller's transaction; `by` is who decided (routing itself, or the agent who claimed).
   */
  private async assign(
    trx: Db,
    conversation: ConversationView,
    agent: { id: string },
    by: Actor | undefined,
    meta: MessageMeta,
    body: string,
  ): Promise<Appended> {
    const at = now();
    const system: SystemActor = { kind: 'system', orgId: conversation.org_id };
    await new ConversationsRepository(trx).update(conversation.id, {
      assignee_id: agent.id,
      assigned_at: at,
      queued_at: null,
    });
    await logEvents(trx, [
      {
        type: 'conversation.assigned',
        orgId: conversation.org_id,
        actor: by ?? system,
        conversationId: conversation.id,
        visitorId: conversation.visitor_id,
        data: {
          agentId: agent.id,
          how: meta.kind === 'claimed' && meta.takeover ? 'takeover' : meta.kind,
        },
        at,
      },
    ]);
    return this.messages.appendWithin(
      trx,
      conversation,
      system,
      { clientId: null, body, internal: true, meta },
      at,
    );
  }

  /** Where every waiting conversation of the organization is in line, with its estimated wait. */
  private async positions(orgId: string): Promise<VisitorPosition[]> {
    const entries = await this.repo.queueEntries(orgId);
    if (entries.length === 0) return [];
    return estimateWaits(this.repo, orgId, entries);
  }

  /** Tells a visitor whose conversation just joined the line where it is. */
  private async announceOne(orgId: string, joined: WaitingConversation): Promise<void> {
    const entry = await this.repo.queueEntry(orgId, joined.conversationId);
    const position = entry
      ? await positionOf(this.repo, orgId, entry)
      : notWaiting(joined.conversationId);
    this.events.emit('queue.position', { orgId, visitorId: joined.visitorId, position });
  }

  /**
   * Tells waiting visitors where they are now, and those whose conversation an agent just took
   * that they no longer wait. Sent to every waiting visitor of the organization once the line
   * moved: simple, and the widget shows only what changed.
   */
  private async announcePositions(orgId: string, left: Appended[]): Promise<void> {
    for (const { conversation } of left) {
      const visitorId = conversation.visitor_id;
      this.events.emit('queue.position', {
        orgId,
        visitorId,
        position: notWaiting(conversation.id),
      });
    }
    for (const { visitorId, ...position } of await this.positions(orgId)) {
      this.events.emit('queue.position', { orgId, visitorId, position });
    }
  }
}

/** The agents, strategy and round-robin place a waiting conversation is routed with. */
function laneOf(
  waiting: ConversationView,
  departments: Map<string, RoutingDepartment>,
  members: Map<string, Set<string>>,
  candidates: Candidate[],
  orgCursor: string | null,
): Lane {
  const department =
    waiting.department_id === null ? undefined : departments.get(waiting.department_id);
  if (!department || department.deleted_at !== null) {
    // No department, or one deleted since: the whole team, round-robin.
    return { department: undefined, strategy: 'round_robin', cursor: orgCursor, pool: candidates };
  }
  const inDepartment = members.get(department.id) ?? new Set<string>();
  return {
    department,
    strategy: department.strategy,
    cursor: department.last_assigned_agent_id,
    pool: candidates.filter((c) => inDepartment.has(c.id)),
  };
}

function notWaiting(conversationId: string): QueuePosition {
  return { conversationId, position: null, estimatedWaitSeconds: null };
}
