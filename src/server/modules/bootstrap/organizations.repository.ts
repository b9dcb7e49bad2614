import type { Db } from '../../db/database';
import type { OrganizationsTable } from '../../db/schema';

export class OrganizationsRepository {
  constructor(private readonly db: Db) {}

  list(): Promise<OrganizationsTable[]> {
    return this.db.selectFrom('organizations').selectAll().orderBy('created_at').execute();
  }
}
