import type { AgentActor } from '../../core/actor';
import type { AttemptCounter } from '../../core/attempt-counter';
import { isoNow, systemClock, type Clock } from '../../core/clock';
import { AppError } from '../../errors';
import { hashToken, newToken } from '../../tokens';
import type { DomainEvents } from '../../domain-events';
import type { Agent, LoginBody } from '../../../protocol/schemas';
import { toAgent, type AgentsRepository } from './agents.repository';
import type { SessionsRepository } from './sessions.repository';
import { verifyPassword } from './password';
import type { TwoFactor } from './two-factor';

/** A session lasts 30 days from sign-in, then the agent signs in again. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
/** Sessions one agent may hold at once (browsers, devices); a new one ends the oldest. */
export const MAX_SESSIONS_PER_AGENT = 10;
const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** The signed-in agent behind a request or a socket: an actor, and the session it came by. */
export interface AgentIdentity extends Agent, AgentActor {
  sessionHash: string;
  sessionExpiresAt: string;
  /** The organization requires two-factor sign-in and this agent has not set it up yet. */
  twoFactorSetupRequired: boolean;
  /** This agent signs in with a second factor. */
  twoFactorEnabled: boolean;
}

// Per account: slows guessing one password; per address: slows trying many accounts.
const PER_ACCOUNT = { max: 5, windowMs: FIFTEEN_MINUTES };
const PER_ADDRESS = { max: 20, windowMs: FIFTEEN_MINUTES };

export class AuthService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly sessions: SessionsRepository,
    private readonly events: DomainEvents,
    private readonly attempts: AttemptCounter,
    private readonly clock: Clock = systemClock,
    /** Set when two-factor sign-in is available (always, in the app). */
    private readonly twoFactor?: TwoFactor,
  ) {}

  /** `address` is the client's address key (see http/client-address.ts). */
  async login(credentials: LoginBody, address: string): Promise<{ agent: Agent; token: string }> {
    const accountKey = `sign-in:account:${credentials.email}`;
    const addressKey = `sign-in:address:${address}`;
    // Both count before the password is checked, so parallel guesses cannot outrun them.
    const byAddress = await this.attempts.attempt(addressKey, PER_ADDRESS);
    const byAccount = byAddress && (await this.attempts.attempt(accountKey, PER_ACCOUNT));
    if (!byAddress || !byAccount) {
      throw new AppError('too_many_attempts', 'Too many failed sign-ins; try again in 15 minutes');
    }
    const row = await this.agents.findByEmail(credentials.email);
    const passwordMatches = await verifyPassword(row?.password_hash, credentials.password);
    // A deactivated agent is told no more than a wrong password would be.
    if (!row || !passwordMatches || row.deactivated_at !== null) {
      throw new AppError('invalid_credentials', 'Wrong email or password');
    }
    // The second factor counts among the attempts above, so guessing codes is throttled alike.
    if (row.totp_enabled_at !== null && this.twoFactor) {
      if (!credentials.code) {
        throw new AppError('two_factor_required', 'Enter the code from your authenticator app');
      }
      await this.twoFactor.verify(row, credentials.code);
    }
    await this.attempts.forget(accountKey, 'all');
    await this.attempts.forget(addressKey, byAddress);
    return { agent: toAgent(row), token: await this.startSession(row.id, row.org_id) };
  }

  /** The agent's console language (null: the browser's) and the languages they speak. */
  languagesOf(me: AgentIdentity): Promise<{ locale: string | null; languages: string[] }> {
    return this.agents.languagesOf(me.orgId, me.id);
  }

  /** The agent a session token belongs to, or undefined when it is unknown or expired. */
  async authenticate(token: string | undefined): Promise<AgentIdentity | undefined> {
    if (!token) return undefined;
    const sessionHash = hashToken(token);
    const row = await this.sessions.findAgent(sessionHash, isoNow(this.clock));
    return (
      row && {
        ...toAgent(row),
        kind: 'agent',
        sessionHash,
        sessionExpiresAt: row.session_expires_at,
        twoFactorSetupRequired: row.two_factor_required_at !== null && row.totp_enabled_at === null,
        twoFactorEnabled: row.totp_enabled_at !== null,
      }
    );
  }

  /** Whether a session, valid at its handshake, has expired by now. */
  hasExpired(identity: AgentIdentity): boolean {
    return Date.parse(identity.sessionExpiresAt) <= this.clock.now();
  }

  /** Of these session hashes, the ones that still exist and have not expired. */
  async liveSessions(hashes: string[]): Promise<Set<string>> {
    const live = new Set<string>();
    const at = isoNow(this.clock);
    // In slices, so the query stays within every engine's limit on bound parameters.
    for (let i = 0; i < hashes.length; i += 500) {
      for (const hash of await this.sessions.findLive(hashes.slice(i, i + 500), at)) live.add(hash);
    }
    return live;
  }

  async logout(token: string): Promise<void> {
    await this.endSessions([hashToken(token)]);
  }

  private async startSession(agentId: string, orgId: string): Promise<string> {
    const token = newToken();
    const createdAt = isoNow(this.clock);
    await this.sessions.insert({
      token_hash: hashToken(token),
      agent_id: agentId,
      org_id: orgId,
      created_at: createdAt,
      expires_at: new Date(Date.parse(createdAt) + SESSION_TTL_MS).toISOString(),
    });
    const oldest = await this.sessions.hashesBeyondNewest(agentId, MAX_SESSIONS_PER_AGENT);
    await this.endSessions(oldest);
    return token;
  }

  private async endSessions(hashes: string[]): Promise<void> {
    if (hashes.length === 0) return;
    await this.sessions.delete(hashes);
    for (const tokenHash of hashes) this.events.emit('session.ended', { tokenHash });
  }
}
