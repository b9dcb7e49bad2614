import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import { now } from '../../tokens';
import { seedFirstRun } from '../bootstrap/first-run';
import { OrganizationsRepository } from '../bootstrap/organizations.repository';
import { AgentsRepository } from './agents.repository';
import { hashPassword } from './password';
import { SessionsRepository } from './sessions.repository';

/** Why an operator's account action was refused; `code` is stable. */
export class AccountError extends Error {
  constructor(
    readonly code: 'account_exists' | 'account_not_found' | 'organization_ambiguous',
    message: string,
  ) {
    super(message);
  }
}

/**
 * What the operator of an installation may do to its accounts from the command line, outside any
 * organization's rules: the way back in for someone who lost access.
 */
export class OperatorAccounts {
  constructor(private readonly db: Db) {}

  /**
   * An admin of the installation's organization (of `orgId` when there are several). On an empty
   * database this is the first start's work: an organization, the demo site and this owner.
   */
  async createAdmin(input: {
    email: string;
    password: string;
    name: string;
    orgId: string | undefined;
    publicUrl: string;
  }): Promise<{ organization: string; role: 'owner' | 'admin' }> {
    const agents = new AgentsRepository(this.db);
    if (await agents.findByEmail(input.email)) {
      throw new AccountError(
        'account_exists',
        `${input.email} already has an account: use parley reset-password`,
      );
    }
    const organizations = await new OrganizationsRepository(this.db).list();
    if (organizations.length === 0) {
      await seedFirstRun(this.db, {
        publicUrl: input.publicUrl,
        adminEmail: input.email,
        adminPassword: input.password,
      });
      return { organization: 'My company', role: 'owner' };
    }
    const organization =
      organizations.length === 1 && input.orgId === undefined
        ? organizations[0]
        : organizations.find((o) => o.id === input.orgId);
    if (!organization) {
      const choices = organizations.map((o) => `${o.id} (${o.name})`).join(', ');
      throw new AccountError(
        'organization_ambiguous',
        `name the organization with --org: ${choices}`,
      );
    }
    await agents.insert({
      id: randomUUID(),
      org_id: organization.id,
      email: input.email,
      name: input.name,
      password_hash: await hashPassword(input.password),
      role: 'admin',
      created_at: now(),
    });
    return { organization: organization.name, role: 'admin' };
  }

  /** A new password, and every session of the account ended: whoever held one must sign in again. */
  async resetPassword(email: string, password: string): Promise<{ sessionsEnded: number }> {
    const passwordHash = await hashPassword(password);
    return inTransaction(this.db, async (trx) => {
      const agents = new AgentsRepository(trx);
      const agent = await agents.findByEmail(email);
      if (!agent) throw new AccountError('account_not_found', `no account has the email ${email}`);
      await agents.setPasswordHash(agent.id, passwordHash);
      return { sessionsEnded: await new SessionsRepository(trx).deleteForAgent(agent.id) };
    });
  }
}
