import type { Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import type { DomainEvents } from '../../domain-events';
import { now } from '../../tokens';
import { routingSettingsSchema, type RoutingSettings } from '../../../protocol/routing-schemas';
import { ROUTING_DEFAULTS } from '../../../protocol/settings';
import { departmentPolicy } from './departments.policy';

/**
 * An organization's routing settings, with the defaults filled in: what presence, transfer,
 * visibility and the auto-resolve job read.
 */
export async function routingSettings(db: Db, orgId: string): Promise<RoutingSettings> {
  const row = await db
    .selectFrom('organizations')
    .select('routing_settings')
    .where('id', '=', orgId)
    .executeTakeFirst();
  return routingSettingsFrom(row?.routing_settings ?? null);
}

/**
 * Stored routing settings over the defaults. A stored value that no longer parses (a setting
 * renamed since, a hand edit) gives way to its default field by field; unreadable JSON is all
 * defaults, never an error: a bad row must not stop routing or the console.
 */
export function routingSettingsFrom(stored: string | null): RoutingSettings {
  const saved = parsedObject(stored);
  const settings: Record<string, unknown> = { ...ROUTING_DEFAULTS };
  for (const [key, field] of Object.entries(routingSettingsSchema.shape)) {
    const parsed = field.safeParse(saved[key]);
    if (parsed.success) settings[key] = parsed.data;
  }
  return settings as RoutingSettings;
}

function parsedObject(stored: string | null): Record<string, unknown> {
  if (stored === null) return {};
  try {
    const value: unknown = JSON.parse(stored);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Settings → Departments, "Routing": every agent reads them; owners and admins change them. */
export class RoutingSettingsService {
  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
  ) {}

  async get(actor: Actor): Promise<RoutingSettings> {
    authorize(departmentPolicy.list(actor), 'Only agents can see routing settings');
    return routingSettings(this.db, actor.orgId);
  }

  async replace(actor: Actor, settings: RoutingSettings): Promise<RoutingSettings> {
    authorize(departmentPolicy.manage(actor), 'Only owners and admins can change routing');
    const before = await inTransaction(this.db, async (trx) => {
      const stored = await routingSettings(trx, actor.orgId);
      await trx
        .updateTable('organizations')
        .set({ routing_settings: JSON.stringify(settings) })
        .where('id', '=', actor.orgId)
        .execute();
      await logEvents(trx, [
        { type: 'organization.routing_changed', orgId: actor.orgId, actor, at: now() },
      ]);
      return stored;
    });
    // Whether agents see all changes what every agent of the organization may see.
    if (before.agentsSeeAll !== settings.agentsSeeAll) {
      this.events.emit('agent.visibility.changed', { orgId: actor.orgId, agentId: null });
    }
    return routingSettings(this.db, actor.orgId);
  }
}
