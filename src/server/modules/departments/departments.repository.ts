import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { DepartmentsTable } from '../../db/schema';
import type { RoutingStrategy } from '../../../protocol/routing-schemas';

/** Departments that are not deleted, and their members; every query scoped by organization. */
export class DepartmentsRepository {
  constructor(private readonly db: Db) {}

  private live(orgId: string) {
    return this.db
      .selectFrom('departments')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null);
  }

  /** The organization's departments, by name. */
  listLive(orgId: string): Promise<DepartmentsTable[]> {
    return this.live(orgId).orderBy('name').orderBy('id').execute();
  }

  findLive(orgId: string, id: string): Promise<DepartmentsTable | undefined> {
    return this.live(orgId).where('id', '=', id).executeTakeFirst();
  }

  /** Which of `ids` are live departments of the organization. */
  async liveIds(orgId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where('id', 'in', ids)
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /** Whether another live department of the organization has this name, whatever its case. */
  async nameTaken(orgId: string, name: string, exceptId?: string): Promise<boolean> {
    let query = this.db
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where(sql<string>`lower(name)`, '=', name.toLowerCase());
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /**
   * Holds the organization's row until the transaction ends, so two admins naming departments at
   * once check and write one after the other (a unique index cannot cover live rows only).
   */
  async lockOrganization(orgId: string): Promise<void> {
    await this.db
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', orgId)
      .forUpdate()
      .execute();
  }

  async insert(row: DepartmentsTable): Promise<void> {
    await this.db.insertInto('departments').values(row).execute();
  }

  async update(
    orgId: string,
    id: string,
    changes: { name?: string | undefined; strategy?: RoutingStrategy | undefined },
  ): Promise<void> {
    const set = {
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.strategy === undefined ? {} : { strategy: changes.strategy }),
    };
    if (Object.keys(set).length === 0) return;
    await this.db
      .updateTable('departments')
      .set(set)
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a department: it takes no new conversations and has no members; its history stays. */
  async markDeleted(orgId: string, id: string, at: string): Promise<void> {
    await this.db
      .updateTable('departments')
      .set({ deleted_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
    await this.db
      .deleteFrom('agent_departments')
      .where('org_id', '=', orgId)
      .where('department_id', '=', id)
      .execute();
  }

  /** The member agent ids of each department, in one query. */
  async memberIds(orgId: string, departmentIds: readonly string[]): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>(departmentIds.map((id) => [id, []]));
    if (departmentIds.length === 0) return members;
    const rows = await this.db
      .selectFrom('agent_departments')
      .select(['department_id', 'agent_id'])
      .where('org_id', '=', orgId)
      .where('department_id', 'in', departmentIds)
      .orderBy('agent_id')
      .execute();
    for (const row of rows) members.get(row.department_id)?.push(row.agent_id);
    return members;
  }

  /** Adds a member; adding one again changes nothing. */
  async addMember(
    orgId: string,
    departmentId: string,
    agentId: string,
    id: string,
    at: string,
  ): Promise<boolean> {
    const existing = await this.db
      .selectFrom('agent_departments')
      .select('id')
      .where('department_id', '=', departmentId)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    if (existing) return false;
    await this.db
      .insertInto('agent_departments')
      .values({ id, org_id: orgId, department_id: departmentId, agent_id: agentId, created_at: at })
      .execute();
    return true;
  }

  async removeMember(orgId: string, departmentId: string, agentId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('agent_departments')
      .where('org_id', '=', orgId)
      .where('department_id', '=', departmentId)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
