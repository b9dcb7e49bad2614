import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/clock';
import type { Mailer } from '../../core/mailer';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import { hashToken, newToken } from '../../tokens';
import { AgentsRepository } from './agents.repository';
import { hashPassword } from './password';
import { SessionsRepository } from './sessions.repository';

/** A reset link lasts an hour. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/**
 * "Forgot password?" by email: a single-use link that expires. Asking answers the same whether or
 * not the email has an account, and the email goes out after the answer, so neither the reply
 * nor its timing tells.
 */
export class PasswordReset {
  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
    private readonly publicUrl: string,
    private readonly mailer: Mailer | undefined,
    private readonly clock: Clock,
    private readonly onMailFailure: (error: unknown) => void,
  ) {}

  get byEmail(): boolean {
    return this.mailer !== undefined;
  }

  async request(email: string): Promise<void> {
    const mailer = this.mailer;
    if (!mailer) throw notFound('Password reset by email');
    const agent = await new AgentsRepository(this.db).findByEmail(email.trim().toLowerCase());
    if (!agent || agent.deactivated_at !== null) return;
    const token = newToken();
    const at = new Date(this.clock.now()).toISOString();
    await this.db
      .insertInto('password_resets')
      .values({
        id: randomUUID(),
        agent_id: agent.id,
        token_hash: hashToken(token),
        created_at: at,
        expires_at: new Date(this.clock.now() + RESET_TTL_MS).toISOString(),
        used_at: null,
      })
      .execute();
    const link = `${this.publicUrl}/console/reset#token=${token}`;
    void mailer
      .send({
        to: agent.email,
        subject: 'Your Parley password',
        text: `Someone asked to set a new Parley password for ${agent.email}.\n\nSet one within an hour: ${link}\n\nThe link works once. If it was not you, ignore this email: your password stays as it is.`,
      })
      .catch(this.onMailFailure);
  }

  /** Sets the new password of the link's account and ends every one of its sessions. */
  async reset(token: string, password: string): Promise<void> {
    const tokenHash = hashToken(token);
    const row = await this.db
      .selectFrom('password_resets')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(tokenHash))) {
      throw notFound('Reset link');
    }
    if (row.used_at !== null) throw resetUsed();
    if (Date.parse(row.expires_at) <= this.clock.now()) {
      throw new AppError('reset_expired', 'This reset link has expired: ask for a new one');
    }
    const passwordHash = await hashPassword(password);
    const ended = await inTransaction(this.db, async (trx) => {
      const used = await trx
        .updateTable('password_resets')
        .set({ used_at: new Date(this.clock.now()).toISOString() })
        .where('id', '=', row.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw resetUsed();
      await new AgentsRepository(trx).setPasswordHash(row.agent_id, passwordHash);
      const sessions = new SessionsRepository(trx);
      const hashes = (await sessions.listForAgent(row.agent_id, '0000')).map((s) => s.token_hash);
      if (hashes.length > 0) await sessions.delete(hashes);
      return hashes;
    });
    for (const hash of ended) this.events.emit('session.ended', { tokenHash: hash });
  }
}

const resetUsed = () =>
  new AppError('reset_used', 'This reset link was already used: ask for a new one');
