import type { Db } from '../../db/database';
import type { SitesTable } from '../../db/schema';

export interface Site {
  id: string;
  orgId: string;
  name: string;
  widgetKey: string;
  allowedOrigins: string[];
  /** This site's own limit on each visitor's messages; null for the server-wide default. */
  visitorMessagesPerMinute: number | null;
}

function toSite(row: SitesTable): Site {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    widgetKey: row.widget_key,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    visitorMessagesPerMinute: row.visitor_messages_per_minute,
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

  async findForOrg(orgId: string, id: string): Promise<Site | undefined> {
    const row = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSite(row);
  }

  /** The organization's sites, oldest first (the first is the demo site). */
  async listForOrg(orgId: string): Promise<Site[]> {
    const rows = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toSite);
  }

  /** The site that `/demo` embeds: the first one made. */
  async findFirst(): Promise<Site | undefined> {
    const row = await this.db
      .selectFrom('sites')
      .selectAll()
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row && toSite(row);
  }

  async updateLimits(
    orgId: string,
    id: string,
    limits: { visitorMessagesPerMinute: number | null },
  ): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({ visitor_messages_per_minute: limits.visitorMessagesPerMinute })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async insert(site: Omit<Site, 'visitorMessagesPerMinute'>, createdAt: string): Promise<void> {
    await this.db
      .insertInto('sites')
      .values({
        id: site.id,
        org_id: site.orgId,
        name: site.name,
        widget_key: site.widgetKey,
        allowed_origins: JSON.stringify(site.allowedOrigins),
        visitor_messages_per_minute: null,
        created_at: createdAt,
      })
      .execute();
  }
}
