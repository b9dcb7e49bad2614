import type { Db } from '../../db/database';

/** The reads the offline feature makes of sites, departments and agents; scoped by organization. */
export class OfflineRepository {
  constructor(private readonly db: Db) {}

  /**
   * The department a site's visitors are answered by: its default one while it exists, else null
   * (the whole organization).
   */
  async siteDepartment(orgId: string, siteId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('sites')
      .innerJoin('departments', 'departments.id', 'sites.default_department_id')
      .select('departments.id')
      .where('sites.org_id', '=', orgId)
      .where('sites.id', '=', siteId)
      .where('departments.org_id', '=', orgId)
      .where('departments.deleted_at', 'is', null)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** The organization's sites that still take visitors. */
  async liveSites(orgId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sites')
      .select('id')
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Whether an active agent of the department (of the organization, for null) is online. */
  async anyoneOnline(orgId: string, departmentId: string | null): Promise<boolean> {
    const row = await this.activeAgents(orgId, departmentId)
      .where('agents.presence', '=', 'online')
      .select('agents.id')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The email addresses of the department's active agents (the organization's, for null). */
  async activeEmails(orgId: string, departmentId: string | null): Promise<string[]> {
    const rows = await this.activeAgents(orgId, departmentId)
      .select('agents.email')
      .orderBy('agents.email')
      .execute();
    return rows.map((row) => row.email);
  }

  private activeAgents(orgId: string, departmentId: string | null) {
    const agents = this.db
      .selectFrom('agents')
      .where('agents.org_id', '=', orgId)
      .where('agents.deactivated_at', 'is', null);
    if (departmentId === null) return agents;
    return agents
      .innerJoin('agent_departments', 'agent_departments.agent_id', 'agents.id')
      .where('agent_departments.department_id', '=', departmentId);
  }
}
