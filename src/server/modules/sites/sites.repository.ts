import type { Db } from '../../db/database';
import type { SitesTable } from '../../db/schema';

export interface Site {
  id: string;
  orgId: string;
  name: string;
  widgetKey: string;
  allowedOrigins: string[];
}

function toSite(row: SitesTable): Site {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    widgetKey: row.widget_key,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
  };
}

export class SitesRepository {
  constructor(private readonly db: Db) {}

  async findByWidgetKey(widgetKey: string): Promise<Site | undefined> {
    const row = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('widget_key', '=', widgetKey)
      .executeTakeFirst();
    return row && toSite(row);
  }

  async insert(site: Site, createdAt: string): Promise<void> {
    await this.db
      .insertInto('sites')
      .values({
        id: site.id,
        org_id: site.orgId,
        name: site.name,
        widget_key: site.widgetKey,
        allowed_origins: JSON.stringify(site.allowedOrigins),
        created_at: createdAt,
      })
      .execute();
  }
}
