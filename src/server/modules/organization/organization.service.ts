import { hasRole, type Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import type { DomainEvents } from '../../domain-events';
import { inTransaction } from '../../db/transaction';
import type { OrganizationsTable } from '../../db/schema';
import { AppError, notFound } from '../../errors';
import { now } from '../../tokens';
import type {
  OrganizationSettings,
  UpdateOrganizationBody,
} from '../../../protocol/settings-schemas';

/** Settings → Organization: its name, default language and time zone. */
export const organizationPolicy = {
  read: (actor: Actor): boolean => actor.kind === 'agent',
  write: (actor: Actor): boolean => hasRole(actor, 'admin'),
  /** Requiring two-factor sign-in locks out whoever has none: owners decide it. */
  requireTwoFactor: (actor: Actor): boolean => hasRole(actor, 'owner'),
};

export class OrganizationService {
  constructor(
    private readonly db: Db,
    private readonly events?: DomainEvents,
  ) {}

  async get(actor: Actor): Promise<OrganizationSettings> {
    authorize(organizationPolicy.read(actor), 'You may not see the organization');
    return toSettings(await this.row(this.db, actor.orgId));
  }

  async update(actor: Actor, changes: UpdateOrganizationBody): Promise<OrganizationSettings> {
    authorize(
      organizationPolicy.write(actor),
      'Only owners and admins can change the organization',
    );
    if (changes.requireTwoFactor !== undefined) {
      authorize(
        organizationPolicy.requireTwoFactor(actor),
        'Only owners can require two-factor sign-in',
      );
    }
    const result = await inTransaction(this.db, async (trx) => {
      if (changes.requireTwoFactor === true) await this.checkOwnTwoFactor(trx, actor);
      const requiredAt = await this.requiredAt(trx, actor.orgId, changes.requireTwoFactor);
      await trx
        .updateTable('organizations')
        .set({
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.defaultLanguage === undefined
            ? {}
            : { default_language: changes.defaultLanguage }),
          ...(changes.timeZone === undefined ? {} : { time_zone: changes.timeZone }),
          ...(requiredAt === undefined ? {} : { two_factor_required_at: requiredAt }),
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
      return {
        settings: toSettings(await this.row(trx, actor.orgId)),
        held: requiredAt ? await this.heldSessions(trx, actor.orgId) : [],
      };
    });
    // Their sockets close at once (the sessions stay): the next handshake says what to do.
    for (const tokenHash of result.held) this.events?.emit('session.ended', { tokenHash });
    return result.settings;
  }

  /** The sessions of the organization's agents without two-factor sign-in. */
  private async heldSessions(db: Db, orgId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('sessions')
      .innerJoin('agents', 'agents.id', 'sessions.agent_id')
      .select('sessions.token_hash')
      .where('agents.org_id', '=', orgId)
      .where('agents.totp_enabled_at', 'is', null)
      .execute();
    return rows.map((row) => row.token_hash);
  }

  /** So nobody locks themselves out: the owner turning the requirement on has two-factor sign-in. */
  private async checkOwnTwoFactor(db: Db, actor: Actor): Promise<void> {
    const me = await db
      .selectFrom('agents')
      .select('totp_enabled_at')
      .where('id', '=', actor.kind === 'agent' ? actor.id : '')
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!me?.totp_enabled_at) {
      throw new AppError(
        'two_factor_not_enabled',
        'Turn on two-factor sign-in for yourself before requiring it of everyone',
      );
    }
  }

  /** The new `two_factor_required_at`: kept when already on, undefined when unchanged. */
  private async requiredAt(
    db: Db,
    orgId: string,
    require: boolean | undefined,
  ): Promise<string | null | undefined> {
    if (require === undefined) return undefined;
    if (!require) return null;
    return (await this.row(db, orgId)).two_factor_required_at ?? now();
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
    requireTwoFactor: row.two_factor_required_at !== null,
  };
}
