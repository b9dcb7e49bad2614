import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { logEvents, type EventType } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import { hasRowLocks } from '../../db/dialect';
import type { DepartmentsTable } from '../../db/schema';
import { inTransaction } from '../../db/transaction';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import { now } from '../../tokens';
import type {
  CreateDepartmentBody,
  Department,
  UpdateDepartmentBody,
} from '../../../protocol/department-schemas';
import { AgentsRepository } from '../auth/agents.repository';
import { SitesRepository } from '../sites/sites.repository';
import { departmentPolicy } from './departments.policy';
import { DepartmentsRepository } from './departments.repository';

type Change = Omit<UpdateDepartmentBody, 'name'> & { name?: string };

/**
 * One change's work in its transaction: `seeOtherwise` collects the agents whose view of
 * conversations it changes (members added or removed), who are told after the commit.
 */
type Work<T> = (departments: DepartmentsRepository, trx: Db, seeOtherwise: string[]) => Promise<T>;

/** Settings → Departments: the teams conversations are routed to, their strategy and members. */
export class DepartmentsService {
  private readonly departments: DepartmentsRepository;

  constructor(
    private readonly db: Db,
    private readonly events: DomainEvents,
  ) {
    this.departments = new DepartmentsRepository(db);
  }

  /** Every live department; admins see strategy and members, other agents names only. */
  async list(actor: Actor): Promise<Department[]> {
    authorize(departmentPolicy.list(actor), 'Only agents can see departments');
    const rows = await this.departments.listLive(actor.orgId);
    if (!departmentPolicy.manage(actor)) return rows.map((row) => ({ id: row.id, name: row.name }));
    const members = await this.departments.memberIds(
      actor.orgId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => toDepartment(row, members.get(row.id) ?? []));
  }

  async create(actor: Actor, body: CreateDepartmentBody): Promise<Department> {
    authorize(departmentPolicy.manage(actor), 'Only owners and admins can add a department');
    const at = now();
    const row: DepartmentsTable = {
      id: randomUUID(),
      org_id: actor.orgId,
      name: body.name.trim(),
      strategy: body.strategy ?? 'round_robin',
      last_assigned_agent_id: null,
      created_at: at,
      deleted_at: null,
    };
    await this.change(actor, 'department.created', row.id, async (departments) => {
      await this.refuseTakenName(departments, actor.orgId, row.name);
      await departments.insert(row);
    });
    return toDepartment(row, []);
  }

  async update(actor: Actor, id: string, changes: Change): Promise<Department> {
    authorize(departmentPolicy.manage(actor), 'Only owners and admins can change a department');
    return this.change(actor, 'department.updated', id, async (departments) => {
      await this.liveDepartment(departments, actor.orgId, id);
      if (changes.name !== undefined) {
        await this.refuseTakenName(departments, actor.orgId, changes.name, id);
      }
      await departments.update(actor.orgId, id, changes);
      return this.present(departments, actor.orgId, id);
    });
  }

  /**
   * Deletes a department: it takes no new conversations and loses its members; the conversations
   * it had keep it in their history. Sites stop offering it and stop defaulting to it.
   */
  async remove(actor: Actor, id: string): Promise<void> {
    authorize(departmentPolicy.manage(actor), 'Only owners and admins can delete a department');
    await this.change(actor, 'department.deleted', id, async (departments, trx, seeOtherwise) => {
      await this.liveDepartment(departments, actor.orgId, id);
      seeOtherwise.push(...((await departments.memberIds(actor.orgId, [id])).get(id) ?? []));
      await departments.markDeleted(actor.orgId, id, now());
      await new SitesRepository(trx).forgetDepartment(actor.orgId, id);
    });
  }

  /** Adds an active agent of the organization; adding a member again changes nothing. */
  async addMember(actor: Actor, id: string, agentId: string): Promise<Department> {
    authorize(departmentPolicy.manage(actor), 'Only owners and admins can change members');
    return this.change(
      actor,
      'department.member_added',
      id,
      async (departments, trx, seeOtherwise) => {
        await this.liveDepartment(departments, actor.orgId, id);
        const agent = await new AgentsRepository(trx).findForOrg(actor.orgId, agentId);
        if (!agent) throw notFound('Agent');
        if (agent.deactivated_at !== null) {
          throw new AppError('agent_deactivated', `${agent.name} is deactivated`);
        }
        if (await departments.addMember(actor.orgId, id, agentId, randomUUID(), now())) {
          seeOtherwise.push(agentId);
        }
        return this.present(departments, actor.orgId, id);
      },
      { agentId },
    );
  }

  async removeMember(actor: Actor, id: string, agentId: string): Promise<Department> {
    authorize(departmentPolicy.manage(actor), 'Only owners and admins can change members');
    return this.change(
      actor,
      'department.member_removed',
      id,
      async (departments, _trx, seeOtherwise) => {
        await this.liveDepartment(departments, actor.orgId, id);
        if (!(await departments.removeMember(actor.orgId, id, agentId))) throw notFound('Member');
        seeOtherwise.push(agentId);
        return this.present(departments, actor.orgId, id);
      },
      { agentId },
    );
  }

  /**
   * One change in a transaction, logged with it; then every console hears that departments
   * changed, and each agent whose view of conversations changed that it did. The organization's row is held first where the engine has row locks, so changes of
   * one organization's departments (a name checked, then written) come one after the other.
   */
  private async change<T>(
    actor: Actor,
    type: EventType,
    departmentId: string,
    work: Work<T>,
    data: Record<string, string> = {},
  ): Promise<T> {
    const { value, seeOtherwise } = await inTransaction(
      this.db,
      async (trx) => {
        const departments = new DepartmentsRepository(trx);
        if (hasRowLocks(trx)) await departments.lockOrganization(actor.orgId);
        const changed: string[] = [];
        const result = await work(departments, trx, changed);
        await logEvents(trx, [
          { type, orgId: actor.orgId, actor, data: { departmentId, ...data }, at: now() },
        ]);
        return { value: result, seeOtherwise: changed };
      },
      // Two admins adding the same member at once: the second try finds it there.
      { retryOnDuplicate: true },
    );
    this.events.emit('departments.changed', { orgId: actor.orgId });
    for (const agentId of seeOtherwise) {
      this.events.emit('agent.visibility.changed', { orgId: actor.orgId, agentId });
    }
    return value;
  }

  private async refuseTakenName(
    departments: DepartmentsRepository,
    orgId: string,
    name: string,
    exceptId?: string,
  ): Promise<void> {
    if (await departments.nameTaken(orgId, name, exceptId)) {
      throw new AppError('department_name_taken', `There is already a department named ${name}`);
    }
  }

  private async liveDepartment(
    departments: DepartmentsRepository,
    orgId: string,
    id: string,
  ): Promise<DepartmentsTable> {
    const row = await departments.findLive(orgId, id);
    if (!row) throw notFound('Department');
    return row;
  }

  private async present(
    departments: DepartmentsRepository,
    orgId: string,
    id: string,
  ): Promise<Department> {
    const row = await this.liveDepartment(departments, orgId, id);
    const members = await departments.memberIds(orgId, [id]);
    return toDepartment(row, members.get(id) ?? []);
  }
}

function toDepartment(row: DepartmentsTable, memberIds: string[]): Department {
  return { id: row.id, name: row.name, strategy: row.strategy, memberIds };
}
