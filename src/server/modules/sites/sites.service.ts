import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Writer } from '../../db/writer';
import type { DomainEvents } from '../../domain-events';
import { notFound } from '../../errors';
import { now } from '../../tokens';
import type {
  CreateSiteBody,
  SiteSettings,
  UpdateSiteChanges,
  WidgetConfig,
  WidgetSettings,
} from '../../../protocol/settings-schemas';
import type { Db } from '../../db/database';
import { offeredDepartments } from '../departments/department-choice';
import { DepartmentsRepository } from '../departments/departments.repository';
import { sitePolicy } from './sites.policy';
import { SitesRepository, type Site } from './sites.repository';

/** The organization's sites, as owners and admins see and change them in Settings → Sites. */
export class SitesService {
  constructor(
    private readonly db: Db,
    private readonly sites: SitesRepository,
    private readonly writer: Writer,
    private readonly events: DomainEvents,
  ) {}

  /** The origins that may embed (and frame) a site's widget; undefined for an unknown key. */
  async allowedOrigins(widgetKey: string): Promise<string[] | undefined> {
    return (await this.sites.findByWidgetKey(widgetKey))?.allowedOrigins;
  }

  /** The site the built-in /demo page embeds: the first one made. */
  async demoWidgetKey(): Promise<string | undefined> {
    return (await this.sites.findFirst())?.widgetKey;
  }

  /** What a widget needs of its site; public, as the key is. */
  async widgetConfig(widgetKey: string): Promise<WidgetConfig> {
    const site = await this.sites.findByWidgetKey(widgetKey);
    if (!site) throw notFound('Site');
    return { widget: site.widget, departments: await offeredDepartments(this.db, site) };
  }

  async list(actor: Actor): Promise<SiteSettings[]> {
    authorize(sitePolicy.read(actor), 'Only owners and admins can see site settings');
    return (await this.sites.listForOrg(actor.orgId)).map(toSiteSettings);
  }

  async get(actor: Actor, siteId: string): Promise<SiteSettings> {
    authorize(sitePolicy.read(actor), 'Only owners and admins can see site settings');
    return toSiteSettings(await this.siteOf(actor, siteId));
  }

  async create(actor: Actor, body: CreateSiteBody): Promise<SiteSettings> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can add a site');
    const at = now();
    const site = {
      id: randomUUID(),
      orgId: actor.orgId,
      name: body.name,
      // Public (it is in the shop's page source), but unguessable, so keys cannot be walked.
      widgetKey: randomBytes(12).toString('base64url'),
      allowedOrigins: body.allowedOrigins ?? [],
    };
    await this.writer.write(async (trx) => {
      await new SitesRepository(trx).insert(site, at);
      await logEvents(trx, [
        { type: 'site.created', orgId: actor.orgId, actor, data: { siteId: site.id }, at },
      ]);
    });
    return toSiteSettings((await this.sites.findForOrg(actor.orgId, site.id))!);
  }

  async update(actor: Actor, siteId: string, changes: UpdateSiteChanges): Promise<SiteSettings> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can change a site');
    const site = await this.siteOf(actor, siteId);
    const widget = changes.widget ? mergeWidget(site.widget, changes.widget) : undefined;
    const tracking = changes.tracking
      ? { ...site.tracking, ...definedFields(changes.tracking) }
      : undefined;
    await this.refuseUnknownDepartments(actor.orgId, [
      ...(changes.defaultDepartmentId ? [changes.defaultDepartmentId] : []),
      ...(changes.widget?.preChat?.departments ?? []),
    ]);
    const at = now();
    await this.writer.write(async (trx) => {
      await new SitesRepository(trx).update(actor.orgId, siteId, {
        name: changes.name,
        allowedOrigins: changes.allowedOrigins,
        visitorMessagesPerMinute: changes.visitorMessagesPerMinute,
        widget,
        defaultDepartmentId: changes.defaultDepartmentId,
        tracking,
      });
      await logEvents(trx, [
        {
          type: 'site.updated',
          orgId: actor.orgId,
          actor,
          data: { siteId, fields: Object.keys(changes).sort().join(',') },
          at,
        },
      ]);
    });
    if (widget) this.events.emit('site.updated', { orgId: actor.orgId, siteId, widget });
    const updated = {
      ...site,
      ...definedOf(changes),
      widget: widget ?? site.widget,
      tracking: tracking ?? site.tracking,
    };
    return toSiteSettings(updated);
  }

  /** Deletes a site: its widget stops, its conversations stay (archived, read-only history). */
  async remove(actor: Actor, siteId: string): Promise<void> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can delete a site');
    await this.siteOf(actor, siteId);
    const at = now();
    await this.writer.write(async (trx) => {
      await new SitesRepository(trx).markDeleted(actor.orgId, siteId, at);
      await logEvents(trx, [
        { type: 'site.deleted', orgId: actor.orgId, actor, data: { siteId }, at },
      ]);
    });
    this.events.emit('site.deleted', { orgId: actor.orgId, siteId });
  }

  /**
   * Departments a site points to must be the organization's own, and not deleted. One deleted
   * meanwhile does no harm: what reads them (the widget config, routing) skips deleted ones.
   */
  private async refuseUnknownDepartments(orgId: string, ids: string[]): Promise<void> {
    const live = await new DepartmentsRepository(this.db).liveIds(orgId, ids);
    if (ids.some((id) => !live.has(id))) throw notFound('Department');
  }

  private async siteOf(actor: Actor, siteId: string): Promise<Site> {
    const site = await this.sites.findForOrg(actor.orgId, siteId);
    if (!site) throw notFound('Site');
    return site;
  }
}

/** New widget settings over the old; a pre-chat form change keeps what it leaves out. */
function mergeWidget(
  widget: WidgetSettings,
  changes: NonNullable<UpdateSiteChanges['widget']>,
): WidgetSettings {
  const preChat = changes.preChat
    ? { ...widget.preChat, ...definedFields(changes.preChat) }
    : widget.preChat;
  return { ...widget, ...definedFields(changes), preChat };
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}

function definedOf(changes: UpdateSiteChanges): Partial<Site> {
  const { widget: _widget, tracking: _tracking, ...rest } = changes;
  return definedFields(rest);
}

function toSiteSettings(site: Site): SiteSettings {
  return {
    id: site.id,
    name: site.name,
    widgetKey: site.widgetKey,
    allowedOrigins: site.allowedOrigins,
    visitorMessagesPerMinute: site.visitorMessagesPerMinute,
    widget: site.widget,
    defaultDepartmentId: site.defaultDepartmentId,
    tracking: site.tracking,
  };
}
