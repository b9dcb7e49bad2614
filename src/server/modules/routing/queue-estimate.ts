import type { QueuePosition } from '../../../protocol/routing-schemas';
import type { QueuedEntry, RoutingRepository } from './routing.repository';

/** How many recent resolved conversations the handling time is the median of. */
const HANDLING_SAMPLE = 50;

export type VisitorPosition = QueuePosition & { visitorId: string };

/**
 * Each waiting conversation's place in its own queue (its live department's, or the whole
 * team's) and an estimated wait: a chat slot frees up about every (median handling time ÷ online
 * slots), where the handling time is assigned → resolved over the organization's last 50
 * resolved conversations and the slots are the sum of `max_chats` of the queue's online agents.
 * Unknown (null) without history or with nobody online.
 */
export async function estimateWaits(
  repo: RoutingRepository,
  orgId: string,
  entries: QueuedEntry[],
): Promise<VisitorPosition[]> {
  const estimate = await waitEstimator(repo, orgId);
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const queue = estimate.queueOf(entry) ?? '';
    const position = (seen.get(queue) ?? 0) + 1;
    seen.set(queue, position);
    return {
      conversationId: entry.id,
      visitorId: entry.visitor_id,
      position,
      estimatedWaitSeconds: estimate.waitAt(queue, position),
    };
  });
}

/** One waiting conversation's place and wait, counted in the store rather than listing its queue. */
export async function positionOf(
  repo: RoutingRepository,
  orgId: string,
  entry: QueuedEntry,
): Promise<QueuePosition> {
  const estimate = await waitEstimator(repo, orgId);
  const department = estimate.queueOf(entry);
  const position = (await repo.waitingAhead(orgId, entry, department)) + 1;
  return {
    conversationId: entry.id,
    position,
    estimatedWaitSeconds: estimate.waitAt(department ?? '', position),
  };
}

interface WaitEstimator {
  /** The live department whose queue the entry is in; null: the whole team's. */
  queueOf(entry: QueuedEntry): string | null;
  /** The estimated wait at `position` of a queue (a department's id, or '' for the team's). */
  waitAt(queue: string, position: number): number | null;
}

/** What estimates read once, whatever the length of the queue: history, departments, slots. */
async function waitEstimator(repo: RoutingRepository, orgId: string): Promise<WaitEstimator> {
  const handling = medianSeconds(await repo.recentHandling(orgId, HANDLING_SAMPLE));
  const live = new Set(
    (await repo.departments(orgId)).filter((d) => d.deleted_at === null).map((d) => d.id),
  );
  const slots = await slotsByQueue(repo, orgId, live);
  return {
    queueOf: (entry) =>
      entry.department_id !== null && live.has(entry.department_id) ? entry.department_id : null,
    waitAt: (queue, position) => {
      const free = slots.get(queue) ?? 0;
      return handling === null || free === 0 ? null : Math.ceil((position * handling) / free);
    },
  };
}

/** Chat slots of the online agents of each live department, and of everyone (key ''). */
async function slotsByQueue(
  repo: RoutingRepository,
  orgId: string,
  live: Set<string>,
): Promise<Map<string, number>> {
  const online = new Map((await repo.onlineAgents(orgId)).map((a) => [a.id, a.max_chats]));
  const slots = new Map<string, number>([['', [...online.values()].reduce((n, m) => n + m, 0)]]);
  for (const m of await repo.memberships(orgId)) {
    const max = online.get(m.agent_id);
    if (max === undefined || !live.has(m.department_id)) continue;
    slots.set(m.department_id, (slots.get(m.department_id) ?? 0) + max);
  }
  return slots;
}

function medianSeconds(rows: { assigned_at: string | null; resolved_at: string | null }[]) {
  const durations = rows
    .map((r) => (Date.parse(r.resolved_at!) - Date.parse(r.assigned_at!)) / 1000)
    .filter((s) => Number.isFinite(s) && s >= 0)
    .sort((a, b) => a - b);
  if (durations.length === 0) return null;
  const middle = Math.floor(durations.length / 2);
  return durations.length % 2 === 1
    ? durations[middle]!
    : (durations[middle - 1]! + durations[middle]!) / 2;
}
