import type { Selectable } from 'kysely';
import type { Db } from '../../db/database';
import type { SitesTable } from '../../db/schema';
import { DEFAULT_WIDGET_SETTINGS, type WidgetSettings } from '../../../protocol/settings-schemas';
import {
  DEFAULT_TRACKING_SETTINGS,
  trackingSettings,
  type TrackingSettings,
} from '../../../protocol/visitor-schemas';
import type { InvitationRule } from '../../../protocol/visitor-schemas';
import { parseRules } from '../invitations/invitation-rules';

export interface Site {
  id: string;
  orgId: string;
  name: string;
  widgetKey: string;
  allowedOrigins: string[];
  /** This site's own limit on each visitor's messages; null for the server-wide default. */
  visitorMessagesPerMinute: number | null;
  /** What the widget looks like and asks, with the defaults filled in. */
  widget: WidgetSettings;
  /** Where its conversations go when the visitor picked no department. */
  defaultDepartmentId: string | null;
  /** What the loader tracks and how addresses are kept, with the defaults filled in. */
  tracking: TrackingSettings;
  /** Its automatic invitations (edited apart from the rest, in the invitations module). */
  invitationRules: InvitationRule[];
}

/**
 * A site's stored tracking settings over the defaults. Every beacon and embed check reads them,
 * so a value that no longer reads (edited by hand, an older shape) takes its default instead of
 * failing them all; the other settings stored beside it are kept.
 */
function parseTracking(stored: string | null): TrackingSettings {
  let value: unknown;
  try {
    value = stored ? JSON.parse(stored) : {};
  } catch {
    value = {};
  }
  const fields =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const kept = Object.entries(trackingSettings.shape).flatMap(([key, schema]) => {
    const parsed = schema.safeParse(fields[key]);
    return parsed.success ? [[key, parsed.data]] : [];
  });
  return {
    ...DEFAULT_TRACKING_SETTINGS,
    ...(Object.fromEntries(kept) as Partial<TrackingSettings>),
  };
}

function toSite(row: Selectable<SitesTable>): Site {
  const stored = row.widget_settings
    ? (JSON.parse(row.widget_settings) as Partial<WidgetSettings>)
    : {};
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    widgetKey: row.widget_key,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    visitorMessagesPerMinute: row.visitor_messages_per_minute,
    // Settings added later take their defaults on sites saved before them.
    widget: {
      ...DEFAULT_WIDGET_SETTINGS,
      ...stored,
      preChat: { ...DEFAULT_WIDGET_SETTINGS.preChat, ...stored.preChat },
    },
    defaultDepartmentId: row.default_department_id,
    tracking: parseTracking(row.tracking_settings),
    invitationRules: parseRules(row.invitation_rules),
  };
}

/** What a site update writes; what is left out stays. */
export interface SiteChanges {
  name?: string;
  allowedOrigins?: string[];
  visitorMessagesPerMinute?: number | null;
  widget?: WidgetSettings;
  defaultDepartmentId?: string | null;
  tracking?: TrackingSettings;
}

/** Sites that are not deleted; a deleted site is gone for everyone but its conversations. */
export class SitesRepository {
  constructor(private readonly db: Db) {}

  private live() {
    return this.db.selectFrom('sites').selectAll().where('deleted_at', 'is', null);
  }

  async findByWidgetKey(widgetKey: string): Promise<Site | undefined> {
    const row = await this.live().where('widget_key', '=', widgetKey).executeTakeFirst();
    return row && toSite(row);
  }

  async findForOrg(orgId: string, id: string): Promise<Site | undefined> {
    const row = await this.live()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSite(row);
  }

  /** The organization's sites, oldest first (the first is the demo site). */
  async listForOrg(orgId: string): Promise<Site[]> {
    const rows = await this.live()
      .where('org_id', '=', orgId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toSite);
  }

  /** The site that `/demo` embeds: the first one made. */
  async findFirst(): Promise<Site | undefined> {
    const row = await this.live().orderBy('created_at').limit(1).executeTakeFirst();
    return row && toSite(row);
  }

  async update(orgId: string, id: string, changes: SiteChanges): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.allowedOrigins === undefined
          ? {}
          : { allowed_origins: JSON.stringify(changes.allowedOrigins) }),
        ...(changes.visitorMessagesPerMinute === undefined
          ? {}
          : { visitor_messages_per_minute: changes.visitorMessagesPerMinute }),
        ...(changes.widget === undefined
          ? {}
          : { widget_settings: JSON.stringify(changes.widget) }),
        ...(changes.defaultDepartmentId === undefined
          ? {}
          : { default_department_id: changes.defaultDepartmentId }),
        ...(changes.tracking === undefined
          ? {}
          : { tracking_settings: JSON.stringify(changes.tracking) }),
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  /** Deletes a site: its key stops working; its conversations and visitors stay. */
  async markDeleted(orgId: string, id: string, at: string): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({ deleted_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  /**
   * A department was deleted: the organization's sites stop defaulting to it and stop offering it
   * in the pre-chat form.
   */
  async forgetDepartment(orgId: string, departmentId: string): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({ default_department_id: null })
      .where('org_id', '=', orgId)
      .where('default_department_id', '=', departmentId)
      .execute();
    for (const site of await this.listForOrg(orgId)) {
      const offered = site.widget.preChat.departments;
      if (!offered.includes(departmentId)) continue;
      const preChat = {
        ...site.widget.preChat,
        departments: offered.filter((id) => id !== departmentId),
      };
      await this.update(orgId, site.id, { widget: { ...site.widget, preChat } });
    }
  }

  async insert(
    site: Omit<
      Site,
      'visitorMessagesPerMinute' | 'widget' | 'defaultDepartmentId' | 'tracking' | 'invitationRules'
    >,
    createdAt: string,
  ): Promise<void> {
    await this.db
      .insertInto('sites')
      .values({
        id: site.id,
        org_id: site.orgId,
        name: site.name,
        widget_key: site.widgetKey,
        allowed_origins: JSON.stringify(site.allowedOrigins),
        visitor_messages_per_minute: null,
        widget_settings: null,
        deleted_at: null,
        created_at: createdAt,
      })
      .execute();
  }
}
