import { hasRole, type Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import type { OrganizationsTable } from '../../db/schema';
import { notFound } from '../../errors';
import { now } from '../../tokens';
import type {
  OrganizationSettings,
  UpdateOrganizationBody,
} from '../../../protocol/settings-schemas';

/** Settings → Organization: its name, default language and time zone. */
export const organizationPolicy = {
  read: (actor: Actor): boolean => actor.kind === 'agent',
  write: (actor: Actor): boolean => hasRole(actor, 'admin'),
};

export class OrganizationService {
  constructor(private readonly db: Db) {}

  async get(actor: Actor): Promise<OrganizationSettings> {
    authorize(organizationPolicy.read(actor), 'You may not see the organization');
    return toSettings(await this.row(this.db, actor.orgId));
  }

  async update(actor: Actor, changes: UpdateOrganizationBody): Promise<OrganizationSettings> {
    authorize(
      organizationPolicy.write(actor),
      'Only owners and admins can change the organization',
    );
    return inTransaction(this.db, async (trx) => {
      await trx
        .updateTable('organizations')
        .set({
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.defaultLanguage === undefined
            ? {}
            : { default_language: changes.defaultLanguage }),
          ...(changes.timeZone === undefined ? {} : { time_zone: changes.timeZone }),
        })
        .where('id', '=', actor.orgId)
        .execute();
      await logEvents(trx, [
        {
          type: 'organization.updated',
          orgId: actor.orgId,
          actor,
          data: { fields: Object.keys(changes).sort().join(',') },
          at: now(),
        },
      ]);
      return toSettings(await this.row(trx, actor.orgId));
    });
  }

  private async row(db: Db, orgId: string): Promise<OrganizationsTable> {
    const row = await db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', orgId)
      .executeTakeFirst();
    if (!row) throw notFound('Organization');
    return row;
  }
}

function toSettings(row: OrganizationsTable): OrganizationSettings {
  return {
    id: row.id,
    name: row.name,
    defaultLanguage: row.default_language ?? 'en',
    timeZone: row.time_zone ?? 'UTC',
  };
}
