import type { Updateable } from 'kysely';
import type { Db } from '../../db/database';
import type { AgentsTable, TransfersTable } from '../../db/schema';
import type { TransferStatus } from '../../../protocol/transfer-schemas';

/** A department a transfer may target: of the organization, and not deleted. */
export interface DepartmentRef {
  id: string;
  name: string;
}

/**
 * Transfers, and what deciding one reads of agents, departments and the organization's routing
 * settings (read here with queries of our own: the departments module owns those tables' writes).
 * Every query is scoped by the organization.
 */
export class TransfersRepository {
  /** `db` may be the store or a transaction of it. */
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): TransfersRepository {
    return new TransfersRepository(trx);
  }

  async insert(row: TransfersTable): Promise<void> {
    await this.db.insertInto('transfers').values(row).execute();
  }

  findForOrg(orgId: string, id: string): Promise<TransfersTable | undefined> {
    return this.db
      .selectFrom('transfers')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The conversation's transfers still waiting for their target (one at most, normally). */
  requestedFor(conversationId: string): Promise<TransfersTable[]> {
    return this.db
      .selectFrom('transfers')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('status', '=', 'requested')
      .execute();
  }

  /**
   * Decides a waiting transfer: true if it was still `requested` and now is `status`; false if
   * someone decided it first (the accept race: only one UPDATE finds it still requested).
   */
  async decide(
    id: string,
    status: Exclude<TransferStatus, 'requested'>,
    changes: Pick<Updateable<TransfersTable>, 'accepted_by'> & { decided_at: string },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('transfers')
      .set({ status, ...changes })
      .where('id', '=', id)
      .where('status', '=', 'requested')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Waiting transfers addressed to the agent or to one of their departments, oldest first. */
  requestedForAgent(orgId: string, agentId: string): Promise<TransfersTable[]> {
    return this.db
      .selectFrom('transfers')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('status', '=', 'requested')
      .where((eb) =>
        eb.or([
          eb('to_agent_id', '=', agentId),
          eb(
            'to_department_id',
            'in',
            eb
              .selectFrom('agent_departments')
              .select('department_id')
              .where('agent_id', '=', agentId),
          ),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  findAgent(orgId: string, id: string): Promise<AgentsTable | undefined> {
    return this.db
      .selectFrom('agents')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  findDepartment(orgId: string, id: string): Promise<DepartmentRef | undefined> {
    return this.db
      .selectFrom('departments')
      .select(['id', 'name'])
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  async isMember(agentId: string, departmentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('agent_departments')
      .select('id')
      .where('agent_id', '=', agentId)
      .where('department_id', '=', departmentId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The department's active members: who hears of a transfer to it. */
  async memberIds(departmentId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('agent_departments')
      .innerJoin('agents', 'agents.id', 'agent_departments.agent_id')
      .select('agents.id')
      .where('agent_departments.department_id', '=', departmentId)
      .where('agents.deactivated_at', 'is', null)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Whom one may transfer to: active agents (with presence) and departments, by name. */
  async targets(orgId: string) {
    const [agents, departments] = await Promise.all([
      this.db
        .selectFrom('agents')
        .select(['id', 'name', 'presence'])
        .where('org_id', '=', orgId)
        .where('deactivated_at', 'is', null)
        .orderBy('name')
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('departments')
        .select(['id', 'name'])
        .where('org_id', '=', orgId)
        .where('deleted_at', 'is', null)
        .orderBy('name')
        .orderBy('id')
        .execute(),
    ]);
    return { agents, departments };
  }
}
