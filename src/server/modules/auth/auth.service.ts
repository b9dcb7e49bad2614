import { AppError } from '../../errors';
import { hashToken, newToken, now } from '../../tokens';
import type { DomainEvents } from '../../domain-events';
import type { Agent, LoginBody } from '../../../protocol/schemas';
import { toAgent, type AgentsRepository } from './agents.repository';
import type { SessionsRepository } from './sessions.repository';
import { LoginThrottle } from './login-throttle';
import { verifyPassword } from './password';

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** The signed-in agent behind a request or a socket. */
export interface AgentIdentity extends Agent {
  sessionHash: string;
  sessionExpiresAt: string;
}

export class AuthService {
  // Per account: slows guessing one password; per IP: slows trying many accounts.
  private readonly perAccount = new LoginThrottle(5, FIFTEEN_MINUTES);
  private readonly perIp = new LoginThrottle(20, FIFTEEN_MINUTES);

  constructor(
    private readonly agents: AgentsRepository,
    private readonly sessions: SessionsRepository,
    private readonly events: DomainEvents,
  ) {}

  async login(credentials: LoginBody, ip: string): Promise<{ agent: Agent; token: string }> {
    const accountKey = credentials.email;
    if (this.perIp.isBlocked(ip) || this.perAccount.isBlocked(accountKey)) {
      throw new AppError('too_many_attempts', 'Too many failed sign-ins; try again in 15 minutes');
    }
    const row = await this.agents.findByEmail(credentials.email);
    const passwordMatches = await verifyPassword(row?.password_hash, credentials.password);
    if (!row || !passwordMatches) {
      this.perIp.recordFailure(ip);
      this.perAccount.recordFailure(accountKey);
      throw new AppError('invalid_credentials', 'Wrong email or password');
    }
    this.perAccount.clear(accountKey);
    const token = newToken();
    const createdAt = now();
    await this.sessions.insert({
      token_hash: hashToken(token),
      agent_id: row.id,
      org_id: row.org_id,
      created_at: createdAt,
      expires_at: new Date(Date.parse(createdAt) + SESSION_TTL_MS).toISOString(),
    });
    return { agent: toAgent(row), token };
  }

  /** The agent a session token belongs to, or undefined when it is unknown or expired. */
  async authenticate(token: string | undefined): Promise<AgentIdentity | undefined> {
    if (!token) return undefined;
    const sessionHash = hashToken(token);
    const row = await this.sessions.findAgent(sessionHash, now());
    return row && { ...toAgent(row), sessionHash, sessionExpiresAt: row.session_expires_at };
  }

  async logout(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    await this.sessions.delete(tokenHash);
    this.events.emit('session.ended', { tokenHash });
  }
}
