import type { Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { now } from '../../tokens';
import { routingSettingsSchema, type RoutingSettings } from '../../../protocol/routing-schemas';
import { ROUTING_DEFAULTS } from '../../../protocol/settings';
import { departmentPolicy } from './departments.policy';

/**
 * An organization's routing settings, with the defaults filled in: what presence, transfer,
 * visibility and the auto-resolve job read. A stored value that no longer parses (a setting
 * renamed since) gives way to the defaults field by field.
 */
export async function routingSettings(db: Db, orgId: string): Promise<RoutingSettings> {
  const row = await db
    .selectFrom('organizations')
    .select('routing_settings')
    .where('id', '=', orgId)
    .executeTakeFirst();
  return withDefaults(row?.routing_settings ?? null);
}

function withDefaults(stored: string | null): RoutingSettings {
  const saved = (stored === null ? {} : JSON.parse(stored)) as Record<string, unknown>;
  const settings: Record<string, unknown> = { ...ROUTING_DEFAULTS };
  for (const [key, field] of Object.entries(routingSettingsSchema.shape)) {
    const parsed = field.safeParse(saved[key]);
    if (parsed.success) settings[key] = parsed.data;
  }
  return settings as RoutingSettings;
}

/** Settings → Departments, "Routing": every agent reads them; owners and admins change them. */
export class RoutingSettingsService {
  constructor(private readonly db: Db) {}

  async get(actor: Actor): Promise<RoutingSettings> {
    authorize(departmentPolicy.list(actor), 'Only agents can see routing settings');
    return routingSettings(this.db, actor.orgId);
  }

  async replace(actor: Actor, settings: RoutingSettings): Promise<RoutingSettings> {
    authorize(departmentPolicy.manage(actor), 'Only owners and admins can change routing');
    await inTransaction(this.db, async (trx) => {
      await trx
        .updateTable('organizations')
        .set({ routing_settings: JSON.stringify(settings) })
        .where('id', '=', actor.orgId)
        .execute();
      await logEvents(trx, [
        { type: 'organization.routing_changed', orgId: actor.orgId, actor, at: now() },
      ]);
    });
    return routingSettings(this.db, actor.orgId);
  }
}
