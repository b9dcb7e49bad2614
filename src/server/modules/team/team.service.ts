import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import type { Mailer } from '../../core/mailer';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import { hasRowLocks } from '../../db/dialect';
import type { AgentsTable } from '../../db/schema';
import { inTransaction } from '../../db/transaction';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import { hashToken, newToken, now } from '../../tokens';
import type { AgentRole } from '../../../protocol/schemas';
import { INVITE_TTL_MS } from '../../../protocol/settings';
import type {
  AcceptInviteBody,
  Invite,
  InviteBody,
  InviteInfo,
  PendingInvite,
  TeamMember,
} from '../../../protocol/settings-schemas';
import { AgentsRepository, NEW_AGENT_ROUTING } from '../auth/agents.repository';
import { hashPassword } from '../auth/password';
import { SessionsRepository } from '../auth/sessions.repository';
import { InvitesRepository } from './invites.repository';
import { teamPolicy } from './team.policy';

/** The page an invitation link opens; the token rides in the fragment, which no server logs. */
export const joinLink = (publicUrl: string, token: string) =>
  `${publicUrl}/console/join#token=${token}`;

/** Settings → Team: who is in the organization, invitations, roles and deactivation. */
export class TeamService {
  private readonly agents: AgentsRepository;
  private readonly invites: InvitesRepository;

  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
    private readonly publicUrl: string,
    private readonly mailer: Mailer | undefined,
  ) {
    this.agents = new AgentsRepository(db);
    this.invites = new InvitesRepository(db);
  }

  async list(actor: Actor): Promise<{ members: TeamMember[]; invites: PendingInvite[] }> {
    authorize(teamPolicy.manage(actor), 'Only owners and admins can see the team');
    const [rows, pending] = await Promise.all([
      this.agents.listForOrg(actor.orgId),
      this.invites.pendingForOrg(actor.orgId, now()),
    ]);
    return {
      members: rows.map(toMember),
      invites: pending.map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role,
        expiresAt: i.expires_at,
      })),
    };
  }

  /**
   * A single-use link valid 7 days. Emailed when SMTP is set up (the link then goes to the invitee
   * only); otherwise given back once, for the inviter to pass on.
   */
  async invite(actor: Actor, body: InviteBody): Promise<Invite> {
    const role = body.role ?? 'agent';
    authorize(teamPolicy.manage(actor), 'Only owners and admins can invite');
    authorize(teamPolicy.touchRole(actor, role), 'Only an owner can invite an owner');
    const email = body.email.trim().toLowerCase();
    if (await this.agents.findByEmail(email)) {
      throw new AppError('email_taken', `${email} already has an account`);
    }
    const token = newToken();
    const at = now();
    const row = {
      id: randomUUID(),
      org_id: actor.orgId,
      email,
      role,
      token_hash: hashToken(token),
      invited_by: actor.kind === 'agent' ? actor.id : null,
      created_at: at,
      expires_at: new Date(Date.parse(at) + INVITE_TTL_MS).toISOString(),
      used_at: null,
    };
    await inTransaction(this.db, async (trx) => {
      await new InvitesRepository(trx).insert(row);
      await logEvents(trx, [
        { type: 'agent.invited', orgId: actor.orgId, actor, data: { inviteId: row.id, role }, at },
      ]);
    });
    const link = joinLink(this.publicUrl, token);
    if (this.mailer) {
      await this.mailer.send({
        to: email,
        subject: 'You are invited to Parley',
        text: `${actor.kind === 'agent' ? actor.name : 'Someone'} invited you to answer chats with Parley.\n\nJoin within 7 days: ${link}\n\nThe link works once. If you did not expect it, ignore this email.`,
      });
    }
    return {
      id: row.id,
      email,
      role,
      expiresAt: row.expires_at,
      link: this.mailer ? null : link,
      emailed: this.mailer !== undefined,
    };
  }

  /** What the join page shows before the invitee picks a name and a password. */
  async inviteInfo(token: string): Promise<InviteInfo> {
    const invite = await this.usableInvite(token);
    const org = await this.db
      .selectFrom('organizations')
      .select('name')
      .where('id', '=', invite.org_id)
      .executeTakeFirstOrThrow();
    return { email: invite.email, organization: org.name, role: invite.role };
  }

  /** Uses an invitation: the account exists afterwards, and the link never works again. */
  async accept(body: AcceptInviteBody): Promise<TeamMember> {
    const invite = await this.usableInvite(body.token);
    const passwordHash = await hashPassword(body.password);
    const at = now();
    const row: AgentsTable = {
      id: randomUUID(),
      org_id: invite.org_id,
      email: invite.email,
      name: body.name.trim(),
      password_hash: passwordHash,
      role: invite.role,
      created_at: at,
      deactivated_at: null,
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      ...NEW_AGENT_ROUTING,
    };
    await inTransaction(this.db, async (trx) => {
      if (!(await new InvitesRepository(trx).markUsed(invite.id, at))) throw inviteUsed();
      const agents = new AgentsRepository(trx);
      if (await agents.findByEmail(invite.email)) {
        throw new AppError('email_taken', `${invite.email} already has an account`);
      }
      await agents.insert(row);
      await logEvents(trx, [
        {
          type: 'agent.joined',
          orgId: invite.org_id,
          actor: { kind: 'system', orgId: invite.org_id },
          data: { agentId: row.id, inviteId: invite.id },
          at,
        },
      ]);
    });
    return toMember(row);
  }

  /** A new role changes what the agent may see: their consoles hear it and reconnect. */
  async changeRole(actor: Actor, agentId: string, role: AgentRole): Promise<TeamMember> {
    authorize(teamPolicy.manage(actor), 'Only owners and admins can change roles');
    let changed = false;
    const member = await this.changeMember(
      actor,
      agentId,
      async (agents, agent) => {
        authorize(
          teamPolicy.touchRole(actor, agent.role) && teamPolicy.touchRole(actor, role),
          'Only an owner can make or unmake an owner',
        );
        if (agent.role === role) return agent;
        if (agent.role === 'owner') await this.keepAnOwner(agents, actor.orgId, agentId, 'demote');
        await agents.setRole(actor.orgId, agentId, role);
        changed = true;
        return { ...agent, role };
      },
      'agent.role_changed',
    );
    if (changed) this.events.emit('agent.visibility.changed', { orgId: actor.orgId, agentId });
    return member;
  }

  /** What routing weighs of an agent: how many chats at once, and the languages they speak. */
  async changeRouting(
    actor: Actor,
    agentId: string,
    changes: { maxChats?: number | undefined; languages?: string[] | undefined },
  ): Promise<TeamMember> {
    authorize(teamPolicy.manage(actor), 'Only owners and admins can change routing');
    return this.changeMember(
      actor,
      agentId,
      async (agents, agent) => {
        authorize(teamPolicy.touchRole(actor, agent.role), "Only an owner can change an owner's");
        const changed = {
          ...agent,
          max_chats: changes.maxChats ?? agent.max_chats,
          languages:
            changes.languages === undefined ? agent.languages : JSON.stringify(changes.languages),
        };
        await agents.setRouting(actor.orgId, agentId, changed);
        return changed;
      },
      'agent.routing_changed',
    );
  }

  /** Ends every session and socket of theirs at once; their messages and history stay. */
  async deactivate(actor: Actor, agentId: string): Promise<TeamMember> {
    authorize(teamPolicy.manage(actor), 'Only owners and admins can deactivate');
    const member = await this.changeMember(
      actor,
      agentId,
      async (agents, agent, trx) => {
        authorize(teamPolicy.touchRole(actor, agent.role), 'Only an owner can deactivate an owner');
        if (agent.deactivated_at !== null) return agent;
        if (agent.role === 'owner')
          await this.keepAnOwner(agents, actor.orgId, agentId, 'deactivate');
        const at = now();
        await agents.deactivate(actor.orgId, agentId, at);
        await new SessionsRepository(trx).deleteForAgent(agentId);
        return { ...agent, deactivated_at: at };
      },
      'agent.deactivated',
    );
    this.events.emit('agent.deactivated', { orgId: actor.orgId, agentId });
    return member;
  }

  private async changeMember(
    actor: Actor,
    agentId: string,
    change: (agents: AgentsRepository, agent: AgentsTable, trx: Db) => Promise<AgentsTable>,
    event: 'agent.role_changed' | 'agent.deactivated' | 'agent.routing_changed',
  ): Promise<TeamMember> {
    return inTransaction(this.db, async (trx) => {
      const agents = new AgentsRepository(trx);
      const agent = await agents.findForOrg(actor.orgId, agentId);
      if (!agent) throw notFound('Agent');
      const changed = await change(agents, agent, trx);
      if (changed !== agent) {
        await logEvents(trx, [
          {
            type: event,
            orgId: actor.orgId,
            actor,
            data: { agentId, role: changed.role },
            at: now(),
          },
        ]);
      }
      return toMember(changed);
    });
  }

  /** Refuses a change that would leave the organization without an active owner. */
  private async keepAnOwner(
    agents: AgentsRepository,
    orgId: string,
    agentId: string,
    what: 'demote' | 'deactivate',
  ): Promise<void> {
    const owners = await agents.activeOwnerIds(orgId, hasRowLocks(this.db));
    if (owners.every((id) => id === agentId)) {
      throw new AppError(
        'last_owner',
        `You cannot ${what} the last owner: make someone else an owner first`,
      );
    }
  }

  /** The invitation behind a token, if it may still be used; refused with why otherwise. */
  private async usableInvite(token: string) {
    const tokenHash = hashToken(token);
    const invite = await this.invites.findByTokenHash(tokenHash);
    // Looked up by its hash; compared again in constant time, so the check itself leaks nothing.
    if (!invite || !timingSafeEqual(Buffer.from(invite.token_hash), Buffer.from(tokenHash))) {
      throw notFound('Invitation');
    }
    if (invite.used_at !== null) throw inviteUsed();
    if (Date.parse(invite.expires_at) <= Date.now()) {
      throw new AppError('invite_expired', 'This invitation has expired: ask for a new one');
    }
    return invite;
  }
}

const inviteUsed = () =>
  new AppError('invite_used', 'This invitation was already used: sign in, or ask for a new one');

function toMember(row: AgentsTable): TeamMember {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.deactivated_at === null ? 'active' : 'deactivated',
    createdAt: row.created_at,
    maxChats: row.max_chats,
    languages: row.languages === null ? [] : (JSON.parse(row.languages) as string[]),
  };
}
