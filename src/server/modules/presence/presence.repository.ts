import type { Db } from '../../db/database';
import type { PresenceStatus } from '../../../protocol/routing-schemas';
import { routingSettings } from '../departments/routing-settings';

export interface PresenceRow {
  id: string;
  org_id: string;
  name: string;
  presence: PresenceStatus;
  chosen_status: PresenceStatus;
  active_at: string | null;
  deactivated_at: string | null;
}

const COLUMNS = [
  'id',
  'org_id',
  'name',
  'presence',
  'chosen_status',
  'active_at',
  'deactivated_at',
] as const;
/** Bound parameters per `in (…)` list, well under every engine's limit. */
const CHUNK = 500;

/** The presence columns of `agents`, always scoped by organization where a caller names one. */
export class PresenceRepository {
  constructor(private readonly db: Db) {}

  find(orgId: string, agentId: string): Promise<PresenceRow | undefined> {
    return this.db
      .selectFrom('agents')
      .select(COLUMNS)
      .where('org_id', '=', orgId)
      .where('id', '=', agentId)
      .executeTakeFirst();
  }

  /** The organization's active agents, by name. */
  listForOrg(orgId: string): Promise<PresenceRow[]> {
    return this.db
      .selectFrom('agents')
      .select(COLUMNS)
      .where('org_id', '=', orgId)
      .where('deactivated_at', 'is', null)
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  /** Agents shown as present (online or away), in every organization: what a sweep re-checks. */
  present(): Promise<PresenceRow[]> {
    return this.db
      .selectFrom('agents')
      .select(COLUMNS)
      .where('presence', '<>', 'offline')
      .execute();
  }

  async byIds(ids: readonly string[]): Promise<PresenceRow[]> {
    const rows: PresenceRow[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      rows.push(
        ...(await this.db.selectFrom('agents').select(COLUMNS).where('id', 'in', chunk).execute()),
      );
    }
    return rows;
  }

  /** The agent's own choice, which is activity too. */
  async setChosen(orgId: string, agentId: string, status: PresenceStatus, at: string) {
    await this.db
      .updateTable('agents')
      .set({ chosen_status: status, active_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', agentId)
      .execute();
  }

  async touch(orgId: string, agentId: string, at: string): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ active_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', agentId)
      .execute();
  }

  /**
   * Sets the presence unless it already is `presence`; true only for the one writer that changed
   * it, so two nodes reaching the same answer announce it once.
   */
  async change(orgId: string, agentId: string, presence: PresenceStatus): Promise<boolean> {
    const result = await this.db
      .updateTable('agents')
      .set({ presence })
      .where('org_id', '=', orgId)
      .where('id', '=', agentId)
      .where('presence', '<>', presence)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The organization's `awayAfterMinutes` in ms; a missing or unreadable setting is the default. */
  async awayAfterMs(orgId: string): Promise<number> {
    return (await routingSettings(this.db, orgId)).awayAfterMinutes * 60_000;
  }
}
