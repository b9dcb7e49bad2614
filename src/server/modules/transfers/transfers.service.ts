import { randomUUID } from 'node:crypto';
import type { AgentActor, SystemActor } from '../../core/actor';
import type { Clock } from '../../core/clock';
import type { JobLog, JobQueue } from '../../core/jobs/job-queue';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import type { ConversationsTable, TransfersTable } from '../../db/schema';
import type { Writer } from '../../db/writer';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import type { MessageMeta, RoutingSettings } from '../../../protocol/routing-schemas';
import type { Conversation } from '../../../protocol/schemas';
import type { Transfer, TransferBody, TransferTargets } from '../../../protocol/transfer-schemas';
import {
  ConversationsRepository,
  type ConversationView,
} from '../conversations/conversations.repository';
import { toConversation } from '../conversations/presenters';
import { routingSettings } from '../departments/routing-settings';
import type { Appended, MessagesService } from '../messages/messages.service';
import { enqueueTransferExpiry } from './transfers.jobs';
import { transferPolicy } from './transfers.policy';
import { TransfersRepository } from './transfers.repository';

/**
 * Puts a conversation back into its department's queue (null: the whole team's) and assigns what
 * it can, after the commit that queued it. Routing's; until it is wired, nothing happens.
 */
export type Requeue = (orgId: string, departmentId: string | null) => Promise<void>;

/** What a committed change leaves to do after its commit. */
interface Outcome {
  transfer: TransfersTable;
  appended: Appended[];
  /** Who hears of `transfer`: its targets (and, once decided, who asked for it). */
  agentIds: string[];
  /** Older transfers of the conversation that this one replaced, and who hears of each. */
  cancelled: { transfer: TransfersTable; agentIds: string[] }[];
  /** Set when the conversation went back to a queue: the department whose. */
  requeued?: { departmentId: string | null };
}

/**
 * Transfers of a conversation to another agent or a department. The request writes the note as an
 * internal timeline entry and waits for the target to accept — or, when the organization says so,
 * accepts at once. Accepting makes the acceptor the assignee and tells the visitor that they
 * joined; a transfer nobody accepts in time returns the conversation to the queue (a job).
 */
export class TransfersService {
  private readonly repo: TransfersRepository;
  private readonly conversations: ConversationsRepository;

  constructor(
    db: Db,
    private readonly writer: Writer,
    private readonly messages: MessagesService,
    private readonly jobs: JobQueue,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly log: Pick<JobLog, 'error'>,
    private readonly requeue: Requeue = async () => {},
  ) {
    this.repo = new TransfersRepository(db);
    this.conversations = new ConversationsRepository(db);
  }

  /**
   * Hands the conversation to an agent or a department with an internal note. Refused, with
   * nothing changed, for a conversation the actor may not act on or that is resolved, and for a
   * target that is not there (another organization's, unknown, a deleted department), deactivated,
   * the actor or the assignee. A transfer still waiting for the same conversation is cancelled.
   */
  async request(actor: AgentActor, conversationId: string, body: TransferBody): Promise<Transfer> {
    const outcome = await this.writer.write(async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const conversation = await this.lockConversation(trx, actor.orgId, conversationId);
      await this.checkMayTransfer(repo, actor, conversation);
      await this.checkTarget(repo, actor, conversation, body);
      const settings = await routingSettings(trx, actor.orgId);
      const now = this.clock.now();
      const at = new Date(now).toISOString();
      const cancelled = await this.cancelWaiting(repo, conversation.id, at);
      const transfer = newTransfer(actor, conversation.id, body, settings, now);
      await repo.insert(transfer);
      const note = await this.messages.appendWithin(
        trx,
        conversation,
        actor,
        {
          clientId: `transfer-${transfer.id}`,
          body: body.note ?? '',
          internal: true,
          meta: entryOf(transfer, transfer.status === 'accepted' ? 'accepted' : 'requested'),
        },
        at,
      );
      const outcome: Outcome = {
        transfer,
        appended: [note],
        agentIds: await this.audience(repo, transfer),
        cancelled,
      };
      await this.afterRequest(trx, conversation, outcome, at);
      return outcome;
    });
    await this.afterCommit(outcome, outcome.transfer.status === 'requested');
    return toTransfer(outcome.transfer);
  }

  /**
   * What follows a request in its transaction: the expiry job while it waits; accepted at once,
   * the hand-over to the agent, or a department's queue, where routing picks the agent.
   */
  private async afterRequest(
    trx: Db,
    conversation: ConversationView,
    outcome: Outcome,
    at: string,
  ): Promise<void> {
    const { transfer } = outcome;
    if (transfer.status === 'requested') {
      await enqueueTransferExpiry(this.jobs, trx, {
        orgId: transfer.org_id,
        transferId: transfer.id,
        runAt: Date.parse(transfer.expires_at),
      });
    } else if (transfer.to_agent_id !== null) {
      const agent = (await this.repo
        .withTransaction(trx)
        .findAgent(transfer.org_id, transfer.to_agent_id))!;
      outcome.appended.push(await this.handOver(trx, conversation, transfer, agent, at));
    } else {
      await this.queue(trx, conversation, transfer.to_department_id, at);
      outcome.requeued = { departmentId: transfer.to_department_id };
    }
  }

  /**
   * The target agent, or any member of the target department, takes the conversation: they become
   * its assignee, and the visitor is told they joined. Of two accepting at once, one wins and the
   * other is refused with `transfer_not_pending`.
   */
  async accept(
    actor: AgentActor,
    transferId: string,
  ): Promise<{ transfer: Transfer; conversation: Conversation }> {
    const outcome = await this.writer.write(async (trx) => {
      const repo = this.repo.withTransaction(trx);
      const found = await repo.findForOrg(actor.orgId, transferId);
      if (!found) throw notFound('Transfer');
      const conversation = await this.lockConversation(trx, actor.orgId, found.conversation_id);
      // Read again under the conversation's lock: a decision committed meanwhile shows now.
      const transfer = (await repo.findForOrg(actor.orgId, transferId))!;
      const inDepartment =
        transfer.to_department_id !== null &&
        (await repo.isMember(actor.id, transfer.to_department_id));
      authorize(
        transferPolicy.accept(actor, transfer, inDepartment),
        'This transfer is for someone else',
      );
      if (transfer.status !== 'requested') throw notPending(transfer);
      if (conversation.status === 'resolved') throw resolvedConversation();
      const at = new Date(this.clock.now()).toISOString();
      // The UPDATE decides a race the reads above cannot (MySQL reads from its snapshot).
      if (!(await repo.decide(transfer.id, 'accepted', { accepted_by: actor.id, decided_at: at })))
        throw notPending({ status: 'accepted' });
      const accepted: TransfersTable = {
        ...transfer,
        status: 'accepted',
        accepted_by: actor.id,
        decided_at: at,
      };
      const joined = await this.handOver(trx, conversation, accepted, actor, at);
      return {
        transfer: accepted,
        appended: [joined],
        agentIds: await this.audience(repo, accepted),
        cancelled: [],
      } satisfies Outcome;
    });
    await this.afterCommit(outcome, false);
    return {
      transfer: toTransfer(outcome.transfer),
      conversation: toConversation(outcome.appended[0]!.conversation),
    };
  }

  /**
   * The expiry job: a transfer still waiting returns the conversation to the queue — of the
   * target department, else of the one it was in — with an entry on the timeline. A transfer
   * decided meanwhile, or expired by an earlier run of the job, is left as it is.
   */
  async expire(orgId: string, transferId: string): Promise<void> {
    const system: SystemActor = { kind: 'system', orgId };
    const outcome = await this.writer.write(async (trx): Promise<Outcome | undefined> => {
      const repo = this.repo.withTransaction(trx);
      const found = await repo.findForOrg(orgId, transferId);
      if (!found || found.status !== 'requested') return undefined;
      const conversation = await this.lockConversation(trx, orgId, found.conversation_id);
      const at = new Date(this.clock.now()).toISOString();
      if (!(await repo.decide(found.id, 'expired', { decided_at: at }))) return undefined;
      const transfer: TransfersTable = { ...found, status: 'expired', decided_at: at };
      const outcome: Outcome = {
        transfer,
        appended: [],
        agentIds: await this.audience(repo, transfer),
        cancelled: [],
      };
      // A resolved conversation needs no queue; its transfer just ends.
      if (conversation.status === 'resolved') return outcome;
      const departmentId = transfer.to_department_id ?? conversation.department_id;
      await this.queue(trx, conversation, departmentId, at);
      outcome.requeued = { departmentId };
      outcome.appended.push(
        await this.messages.appendWithin(
          trx,
          conversation,
          system,
          {
            clientId: `transfer-${transfer.id}-expired`,
            body: 'Nobody accepted the transfer in time: the conversation is back in the queue.',
            internal: true,
            meta: entryOf(transfer, 'expired'),
          },
          at,
        ),
      );
      return outcome;
    });
    if (outcome) await this.afterCommit(outcome, false);
  }

  /** Transfers waiting for the agent: addressed to them or to one of their departments. */
  async pendingFor(actor: AgentActor): Promise<Transfer[]> {
    return (await this.repo.requestedForAgent(actor.orgId, actor.id)).map(toTransfer);
  }

  /** Whom the agent may transfer to: the organization's other active agents, and departments. */
  async targets(actor: AgentActor): Promise<TransferTargets> {
    const { agents, departments } = await this.repo.targets(actor.orgId);
    return { agents: agents.filter((a) => a.id !== actor.id), departments };
  }

  /** The conversation, under its row lock, as `appendWithin` takes it. */
  private async lockConversation(
    trx: Db,
    orgId: string,
    conversationId: string,
  ): Promise<ConversationView> {
    const conversations = this.conversations.withTransaction(trx);
    const row = await conversations.lockForOrg(orgId, conversationId);
    if (!row) throw notFound('Conversation');
    const view = (await conversations.findForOrg(orgId, conversationId))!;
    // The locked row is the current one (MySQL's plain reads may come from an older snapshot).
    return { ...view, ...row };
  }

  private async checkMayTransfer(
    repo: TransfersRepository,
    actor: AgentActor,
    conversation: ConversationsTable,
  ): Promise<void> {
    const departmentId = conversation.department_id;
    const inDepartment = departmentId !== null && (await repo.isMember(actor.id, departmentId));
    authorize(
      transferPolicy.request(actor, {
        assigneeId: conversation.assignee_id,
        hasDepartment: departmentId !== null,
        inDepartment,
      }),
      'You may not transfer this conversation',
    );
    if (conversation.status === 'resolved') throw resolvedConversation();
  }

  /** The target exists in the organization, is active, and is not who has the conversation. */
  private async checkTarget(
    repo: TransfersRepository,
    actor: AgentActor,
    conversation: ConversationsTable,
    body: TransferBody,
  ): Promise<void> {
    if (body.toDepartmentId !== undefined) {
      if (!(await repo.findDepartment(actor.orgId, body.toDepartmentId)))
        throw notFound('Department');
      return;
    }
    const agent = await repo.findAgent(actor.orgId, body.toAgentId!);
    if (!agent) throw notFound('Agent');
    if (agent.deactivated_at !== null) {
      throw new AppError('agent_deactivated', `${agent.name} is deactivated`);
    }
    if (agent.id === actor.id) {
      throw new AppError('transfer_to_self', 'You cannot transfer a conversation to yourself');
    }
    if (agent.id === conversation.assignee_id) {
      throw new AppError('transfer_to_self', `${agent.name} already has this conversation`);
    }
  }

  /** Cancels the conversation's waiting transfers: the newest request replaces them. */
  private async cancelWaiting(
    repo: TransfersRepository,
    conversationId: string,
    at: string,
  ): Promise<Outcome['cancelled']> {
    const cancelled: Outcome['cancelled'] = [];
    for (const waiting of await repo.requestedFor(conversationId)) {
      if (!(await repo.decide(waiting.id, 'cancelled', { decided_at: at }))) continue;
      const transfer: TransfersTable = { ...waiting, status: 'cancelled', decided_at: at };
      cancelled.push({ transfer, agentIds: await this.audience(repo, transfer) });
    }
    return cancelled;
  }

  /** The agent becomes the assignee; the visitor sees a message that they joined. */
  private async handOver(
    trx: Db,
    conversation: ConversationView,
    transfer: TransfersTable,
    agent: { id: string; name: string },
    at: string,
  ): Promise<Appended> {
    await this.conversations.withTransaction(trx).update(conversation.id, {
      assignee_id: agent.id,
      assigned_at: at,
      queued_at: null,
      ...(transfer.to_department_id === null ? {} : { department_id: transfer.to_department_id }),
      updated_at: at,
    });
    const system: SystemActor = { kind: 'system', orgId: conversation.org_id };
    return this.messages.appendWithin(
      trx,
      conversation,
      system,
      {
        clientId: `transfer-${transfer.id}-joined`,
        // What a client that does not know the entry shows; the widget words it in its language.
        body: `${agent.name} joined the chat`,
        meta: { kind: 'joined', agentName: agent.name },
      },
      at,
    );
  }

  /** Back to a queue: nobody has it, it waits from now, in `departmentId`'s queue. */
  private async queue(
    trx: Db,
    conversation: ConversationView,
    departmentId: string | null,
    at: string,
  ): Promise<void> {
    await this.conversations.withTransaction(trx).update(conversation.id, {
      assignee_id: null,
      assigned_at: null,
      queued_at: at,
      department_id: departmentId,
      updated_at: at,
    });
  }

  /** Who hears of a transfer: the agent it names or the department's members; once decided, also who asked. */
  private async audience(repo: TransfersRepository, transfer: TransfersTable): Promise<string[]> {
    const targets =
      transfer.to_agent_id !== null
        ? [transfer.to_agent_id]
        : await repo.memberIds(transfer.to_department_id!);
    const asker = transfer.status !== 'requested' ? transfer.from_agent_id : null;
    return [...new Set(asker === null ? targets : [...targets, asker])];
  }

  private async afterCommit(outcome: Outcome, requested: boolean): Promise<void> {
    const orgId = outcome.transfer.org_id;
    for (const appended of outcome.appended) this.messages.announce(appended);
    for (const { transfer, agentIds } of outcome.cancelled) {
      this.events.emit('transfer.updated', { orgId, transfer: toTransfer(transfer), agentIds });
    }
    this.events.emit(requested ? 'transfer.requested' : 'transfer.updated', {
      orgId,
      transfer: toTransfer(outcome.transfer),
      agentIds: outcome.agentIds,
    });
    if (!outcome.requeued) return;
    // The change is committed: a failing queue must not undo it or fail the caller.
    try {
      await this.requeue(orgId, outcome.requeued.departmentId);
    } catch (error) {
      this.log.error({ err: error, orgId }, 'putting a conversation back in the queue failed');
    }
  }
}

/** A new transfer's row: accepted at once when the organization's settings say so. */
function newTransfer(
  actor: AgentActor,
  conversationId: string,
  body: TransferBody,
  settings: RoutingSettings,
  now: number,
): TransfersTable {
  const at = new Date(now).toISOString();
  const auto = settings.autoAcceptTransfers;
  return {
    id: randomUUID(),
    org_id: actor.orgId,
    conversation_id: conversationId,
    from_agent_id: actor.id,
    to_agent_id: body.toAgentId ?? null,
    to_department_id: body.toDepartmentId ?? null,
    status: auto ? 'accepted' : 'requested',
    // A department's transfer is accepted into its queue: nobody has it yet.
    accepted_by: auto ? (body.toAgentId ?? null) : null,
    created_at: at,
    expires_at: new Date(now + settings.transferTimeoutSeconds * 1000).toISOString(),
    decided_at: auto ? at : null,
  };
}

/** The timeline entry of a transfer, at one step of it. */
function entryOf(
  transfer: TransfersTable,
  state: 'requested' | 'accepted' | 'expired',
): MessageMeta {
  return {
    kind: 'transfer',
    transferId: transfer.id,
    fromAgentId: transfer.from_agent_id,
    toAgentId: transfer.to_agent_id,
    toDepartmentId: transfer.to_department_id,
    state,
  };
}

function notPending(transfer: Pick<TransfersTable, 'status'>): AppError {
  const why = {
    accepted: 'someone already accepted it',
    expired: 'it expired and the conversation went back to the queue',
    cancelled: 'a newer transfer replaced it',
    requested: 'it is still waiting',
  }[transfer.status];
  return new AppError('transfer_not_pending', `This transfer is over: ${why}`);
}

function resolvedConversation(): AppError {
  return new AppError('conversation_resolved', 'The conversation is resolved');
}

export function toTransfer(row: TransfersTable): Transfer {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    fromAgentId: row.from_agent_id,
    toAgentId: row.to_agent_id,
    toDepartmentId: row.to_department_id,
    status: row.status,
    acceptedBy: row.accepted_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: row.decided_at,
  };
}
