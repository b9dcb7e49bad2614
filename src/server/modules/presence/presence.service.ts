import { setTimeout as sleep } from 'node:timers/promises';
import type { Actor } from '../../core/actor';
import { isoNow, type Clock } from '../../core/clock';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import type { AgentPresence, OwnPresence, PresenceStatus } from '../../../protocol/routing-schemas';
import { effectivePresence } from './presence';
import { presencePolicy } from './presence.policy';
import { PresenceRepository, type PresenceRow } from './presence.repository';

/** Which agents have a console open on any node (the realtime gateway answers). */
export interface OpenConsoles {
  isConnected(agentId: string): Promise<boolean>;
  connectedAgentIds(): Promise<Set<string>>;
}

/** The agent a console socket belongs to. */
export interface ConsoleAgent {
  id: string;
  orgId: string;
}

export interface PresenceOptions {
  /** How long after an agent's last console closes they turn offline (a reload comes back sooner). */
  graceMs: number;
  clock: Clock;
  log: { error(details: object, message: string): void };
}

/**
 * Each agent's presence: offline with no console open anywhere, else the status they chose, with
 * an idle "online" shown as away. The database holds it (routing reads `agents.presence`); every
 * change is written by exactly one writer, logged, and announced as `agent.presence`.
 *
 * Three things move it: a console connecting or closing on this node (closing waits out the grace
 * period, then asks every node whether another console of the agent is open), the agent's own
 * choice and activity, and a periodic sweep on one node that turns idle agents away and catches
 * what a node that died could not do.
 */
export class PresenceService {
  private readonly repository: PresenceRepository;
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
    private readonly consoles: OpenConsoles,
    private readonly options: PresenceOptions,
  ) {
    this.repository = new PresenceRepository(db);
  }

  /** A console connected: the agent is at work now, and present as they chose. */
  async connected(agent: ConsoleAgent): Promise<void> {
    this.cancelGrace(agent.id);
    await this.repository.touch(agent.orgId, agent.id, isoNow(this.options.clock));
    await this.settle(agent.orgId, agent.id, true);
  }

  /**
   * A console of this node closed. A reload reconnects within the grace period, so only then do
   * we look: offline unless a console of theirs is open on some node.
   */
  disconnected(agent: ConsoleAgent): void {
    if (this.stopped) return;
    this.cancelGrace(agent.id);
    const timer = setTimeout(() => {
      this.graceTimers.delete(agent.id);
      this.settle(agent.orgId, agent.id).catch((error: unknown) =>
        this.options.log.error({ err: error, agentId: agent.id }, 'presence check failed'),
      );
    }, this.options.graceMs);
    timer.unref();
    this.graceTimers.set(agent.id, timer);
  }

  /** The agent did something in the console: an idle "away" turns online again. */
  async activity(actor: Actor): Promise<OwnPresence> {
    if (!presencePolicy.setOwn(actor)) throw onlyAgents();
    await this.repository.touch(actor.orgId, actor.id, isoNow(this.options.clock));
    return this.settle(actor.orgId, actor.id, true);
  }

  /**
   * The agent picks their status (choosing is activity too). `fromConsole`: asked over a socket
   * of theirs, so a console is open; over REST we ask the nodes.
   */
  async setStatus(actor: Actor, status: PresenceStatus, fromConsole = false): Promise<OwnPresence> {
    if (!presencePolicy.setOwn(actor)) throw onlyAgents();
    await this.repository.setChosen(actor.orgId, actor.id, status, isoNow(this.options.clock));
    return this.settle(actor.orgId, actor.id, fromConsole || undefined);
  }

  /** The organization's active agents with their presence, by name. */
  async list(actor: Actor): Promise<AgentPresence[]> {
    authorize(presencePolicy.list(actor), 'Only agents see who is online');
    const rows = await this.repository.listForOrg(actor.orgId);
    return rows.map((r) => ({ agentId: r.id, name: r.name, presence: r.presence }));
  }

  /**
   * The periodic check (one node per run): idle agents turn away, and agents shown present whose
   * consoles are all gone — their node died before it could tell — turn offline once a grace
   * period has shown they are not merely reloading. Throws when a node does not answer, so the
   * job runs again rather than acting on a partial picture.
   */
  async sweep(): Promise<void> {
    const connected = await this.consoles.connectedAgentIds();
    const rows = new Map<string, PresenceRow>();
    for (const row of await this.repository.present()) rows.set(row.id, row);
    for (const row of await this.repository.byIds([...connected])) rows.set(row.id, row);
    const gone: PresenceRow[] = [];
    const awayAfter = new Map<string, number>();
    for (const row of rows.values()) {
      if (!connected.has(row.id)) {
        gone.push(row);
        continue;
      }
      if (!awayAfter.has(row.org_id))
        awayAfter.set(row.org_id, await this.repository.awayAfterMs(row.org_id));
      await this.apply(row, true, awayAfter.get(row.org_id)!);
    }
    if (gone.length === 0) return;
    await sleep(this.options.graceMs, undefined, { ref: false });
    const still = await this.consoles.connectedAgentIds();
    for (const row of gone) if (!still.has(row.id)) await this.settle(row.org_id, row.id, false);
  }

  /** Stops the grace timers of this node (it is shutting down; the sweep covers its agents). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
  }

  private cancelGrace(agentId: string): void {
    clearTimeout(this.graceTimers.get(agentId));
    this.graceTimers.delete(agentId);
  }

  /** Brings the stored presence in line; `connected` when known, else the nodes are asked. */
  private async settle(orgId: string, agentId: string, connected?: boolean): Promise<OwnPresence> {
    const row = await this.repository.find(orgId, agentId);
    if (!row) throw notFound('Agent');
    const isConnected = connected ?? (await this.consoles.isConnected(agentId));
    const own = await this.apply(row, isConnected, await this.repository.awayAfterMs(orgId));
    // A console may have connected between our look and our write; it then found the agent
    // still present and changed nothing, so it is up to us to put them back.
    if (!isConnected && own.presence === 'offline' && (await this.consoles.isConnected(agentId)))
      return this.settle(orgId, agentId, true);
    return own;
  }

  private async apply(
    row: PresenceRow,
    connected: boolean,
    awayAfterMs: number,
  ): Promise<OwnPresence> {
    const presence: PresenceStatus =
      row.deactivated_at !== null
        ? 'offline'
        : effectivePresence({
            connected,
            chosen: row.chosen_status,
            activeAt: row.active_at === null ? null : Date.parse(row.active_at),
            now: this.options.clock.now(),
            awayAfterMs,
          });
    if (presence !== row.presence) await this.change(row.org_id, row.id, presence);
    return { presence, chosenStatus: row.chosen_status };
  }

  private async change(orgId: string, agentId: string, presence: PresenceStatus): Promise<void> {
    const at = isoNow(this.options.clock);
    const changed = await inTransaction(this.db, async (trx) => {
      if (!(await new PresenceRepository(trx).change(orgId, agentId, presence))) return false;
      await logEvents(trx, [
        {
          type: 'agent.presence_changed',
          orgId,
          actor: { kind: 'system', orgId },
          data: { agentId, presence },
          at,
        },
      ]);
      return true;
    });
    if (changed) this.events.emit('agent.presence', { orgId, agentId, presence });
  }
}

const onlyAgents = () => new AppError('forbidden', 'Only agents have a presence');
