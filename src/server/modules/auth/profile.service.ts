import { createHash } from 'node:crypto';
import { isoNow, systemClock, type Clock } from '../../core/clock';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import type { Agent } from '../../../protocol/schemas';
import type {
  ChangePasswordBody,
  SessionView,
  UpdateProfileBody,
} from '../../../protocol/settings-schemas';
import { AgentsRepository, spokenLanguagesOf, toAgent } from './agents.repository';
import type { AgentIdentity } from './auth.service';
import { hashPassword, verifyPassword } from './password';
import { SessionsRepository } from './sessions.repository';
import type { TwoFactor } from './two-factor';

export interface AgentLanguages {
  agent: Agent;
  locale: string | null;
  languages: string[];
}

/** What names a session in the list: a hash of its hash, so the list never hands out a lookup key. */
const sessionId = (tokenHash: string) =>
  createHash('sha256').update(`session:${tokenHash}`).digest('base64url').slice(0, 22);

/** Settings → Profile: every agent's own name, email, password and sessions. */
export class ProfileService {
  private readonly agents: AgentsRepository;
  private readonly sessions: SessionsRepository;

  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
    private readonly twoFactor: TwoFactor,
    private readonly clock: Clock = systemClock,
  ) {
    this.agents = new AgentsRepository(db);
    this.sessions = new SessionsRepository(db);
  }

  async update(me: AgentIdentity, changes: UpdateProfileBody): Promise<AgentLanguages> {
    const email = changes.email?.trim().toLowerCase();
    if (email !== undefined && email !== me.email) {
      await this.checkPassword(me, changes.currentPassword ?? '');
      const owner = await this.agents.findByEmail(email);
      if (owner) throw new AppError('email_taken', `${email} already has an account`);
    }
    await this.agents.setProfile(me.id, {
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(email === undefined ? {} : { email }),
      ...(changes.locale === undefined ? {} : { locale: changes.locale }),
      ...(changes.languages === undefined ? {} : { languages: JSON.stringify(changes.languages) }),
    });
    return this.languagesOf(me);
  }

  /** The agent, their console language (null: the browser's) and the languages they speak. */
  async languagesOf(me: AgentIdentity): Promise<AgentLanguages> {
    const row = await this.agents.findForOrg(me.orgId, me.id);
    if (!row) throw notFound('Agent');
    return { agent: toAgent(row), locale: row.locale, languages: spokenLanguagesOf(row) };
  }

  /** A new password; every other session of the agent ends, and its sockets close at once. */
  async changePassword(me: AgentIdentity, body: ChangePasswordBody): Promise<void> {
    await this.checkPassword(me, body.currentPassword);
    const passwordHash = await hashPassword(body.newPassword);
    const ended = await inTransaction(this.db, async (trx) => {
      await new AgentsRepository(trx).setPasswordHash(me.id, passwordHash);
      const sessions = new SessionsRepository(trx);
      const others = (await sessions.listForAgent(me.id, '0000'))
        .map((s) => s.token_hash)
        .filter((hash) => hash !== me.sessionHash);
      if (others.length > 0) await sessions.delete(others);
      return others;
    });
    for (const tokenHash of ended) this.events.emit('session.ended', { tokenHash });
  }

  async listSessions(me: AgentIdentity): Promise<SessionView[]> {
    const rows = await this.sessions.listForAgent(me.id, isoNow(this.clock));
    return rows.map((row) => ({
      id: sessionId(row.token_hash),
      current: row.token_hash === me.sessionHash,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    }));
  }

  /** Signs one of the agent's own sessions out (its sockets close); another's is not_found. */
  async endSession(me: AgentIdentity, id: string): Promise<void> {
    const rows = await this.sessions.listForAgent(me.id, '0000');
    const row = rows.find((r) => sessionId(r.token_hash) === id);
    if (!row) throw notFound('Session');
    await this.sessions.delete([row.token_hash]);
    this.events.emit('session.ended', { tokenHash: row.token_hash });
  }

  /** Starts two-factor setup: a secret and its QR code; nothing changes at sign-in until enabled. */
  async setUpTwoFactor(
    me: AgentIdentity,
  ): Promise<{ secret: string; uri: string; qrCode: string }> {
    return this.twoFactor.setUp(await this.row(me));
  }

  /** Confirms setup with a first code from the app; returns the recovery codes, shown once. */
  async enableTwoFactor(me: AgentIdentity, code: string): Promise<string[]> {
    return this.twoFactor.enable(await this.row(me), code);
  }

  /** New recovery codes, shown once; the old ones stop working. */
  async regenerateRecoveryCodes(me: AgentIdentity, code: string): Promise<string[]> {
    return this.twoFactor.regenerate(await this.row(me), code);
  }

  /** Turns two-factor sign-in off, with the current password and a good code; not while required. */
  async disableTwoFactor(me: AgentIdentity, body: { currentPassword: string; code: string }) {
    await this.checkPassword(me, body.currentPassword);
    const org = await this.db
      .selectFrom('organizations')
      .select('two_factor_required_at')
      .where('id', '=', me.orgId)
      .executeTakeFirst();
    if (org?.two_factor_required_at) {
      throw new AppError(
        'two_factor_policy',
        'Your organization requires two-factor sign-in: it cannot be turned off',
      );
    }
    await this.twoFactor.disable(await this.row(me), body.code);
  }

  private async row(me: AgentIdentity) {
    const row = await this.agents.findForOrg(me.orgId, me.id);
    if (!row) throw notFound('Agent');
    return row;
  }

  private async checkPassword(me: AgentIdentity, password: string): Promise<void> {
    const row = await this.agents.findForOrg(me.orgId, me.id);
    if (!(await verifyPassword(row?.password_hash, password))) {
      throw new AppError('invalid_credentials', 'The current password is wrong');
    }
  }
}
