import type { Db } from '../../db/database';
import { notFound } from '../../errors';
import { SitesRepository, type Site } from '../sites/sites.repository';
import { DepartmentsRepository } from './departments.repository';

/** Who a visitor is, as far as choosing a department goes. */
interface VisitorOfSite {
  id: string;
  orgId: string;
  siteId: string;
}

/** The departments a site's pre-chat form offers that still exist, in the order it lists them. */
export async function offeredDepartments(
  db: Db,
  site: Pick<Site, 'orgId' | 'widget'>,
): Promise<{ id: string; name: string }[]> {
  const offered = site.widget.preChat.departments;
  if (offered.length === 0) return [];
  const live = await new DepartmentsRepository(db).listLive(site.orgId);
  const names = new Map(live.map((row) => [row.id, row.name]));
  return offered.flatMap((id) => {
    const name = names.get(id);
    return name === undefined ? [] : [{ id, name }];
  });
}

/**
 * Stores the department the visitor picked in the pre-chat form (null: no preference). Only one
 * the site offers, and that exists, may be picked; anything else is `not_found`, whether it is
 * another organization's, deleted or merely not offered.
 */
export async function chooseDepartment(
  db: Db,
  visitor: VisitorOfSite,
  departmentId: string | null,
): Promise<void> {
  if (departmentId !== null && !(await isOffered(db, visitor, departmentId))) {
    throw notFound('Department');
  }
  await db
    .updateTable('visitors')
    .set({ chosen_department_id: departmentId })
    .where('id', '=', visitor.id)
    .where('org_id', '=', visitor.orgId)
    .execute();
}

/**
 * The department a visitor's new conversation goes to: the one the visitor picked, when the site
 * still offers it and it still exists; else the site's default department, when it exists; else
 * none. Routing calls it in the transaction that opens the conversation.
 */
export async function departmentForNewConversation(
  trx: Db,
  visitor: VisitorOfSite,
): Promise<string | null> {
  const row = await trx
    .selectFrom('visitors')
    .select('chosen_department_id')
    .where('id', '=', visitor.id)
    .where('org_id', '=', visitor.orgId)
    .executeTakeFirst();
  const chosen = row?.chosen_department_id ?? null;
  if (chosen !== null && (await isOffered(trx, visitor, chosen))) return chosen;
  const site = await new SitesRepository(trx).findForOrg(visitor.orgId, visitor.siteId);
  const fallback = site?.defaultDepartmentId ?? null;
  if (fallback === null) return null;
  const live = await new DepartmentsRepository(trx).liveIds(visitor.orgId, [fallback]);
  return live.has(fallback) ? fallback : null;
}

async function isOffered(db: Db, visitor: VisitorOfSite, departmentId: string): Promise<boolean> {
  const site = await new SitesRepository(db).findForOrg(visitor.orgId, visitor.siteId);
  if (!site?.widget.preChat.departments.includes(departmentId)) return false;
  return (await new DepartmentsRepository(db).liveIds(visitor.orgId, [departmentId])).has(
    departmentId,
  );
}
