import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { logEvents } from '../../core/event-log';
import { authorize } from '../../core/policy';
import type { Writer } from '../../db/writer';
import { AppError, notFound } from '../../errors';
import { hashToken, newToken, now } from '../../tokens';
import type {
  IdentifyBody,
  IdentifyReply,
  IdentitySecretReply,
  SiteIdentitySettings,
} from '../../../protocol/visitor-schemas';
import type { SitesRepository } from '../sites/sites.repository';
import { sitePolicy } from '../sites/sites.policy';
import type {
  VisitorContext,
  VisitorIdentity,
  VisitorsService,
} from '../visitors/visitors.service';
import type { IdentifiedVisitor, IdentityRepository, ProfileChanges } from './identity.repository';

/** The hex HMAC-SHA256 of `id` under `secret`: what the customer's backend computes. */
export function identityHash(secret: string, id: string): string {
  return createHmac('sha256', secret).update(id, 'utf8').digest('hex');
}

/** Compares in constant time, so response times tell nothing about how much of a guess was right. */
export function hashMatches(secret: string, id: string, hash: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) return false;
  return timingSafeEqual(Buffer.from(identityHash(secret, id), 'hex'), Buffer.from(hash, 'hex'));
}

/** After a change the visitor's conversations moved: agents are told (see ConversationsService). */
export type AnnounceVisitor = (orgId: string, visitorId: string) => Promise<void>;

/**
 * `Parley.identify`: a right hash makes the visitor the customer's verified user, the same one on
 * every device; anything else is only a claim, kept apart from that user's conversations.
 */
export class IdentityService {
  constructor(
    private readonly sites: SitesRepository,
    private readonly visitors: VisitorsService,
    private readonly identities: IdentityRepository,
    private readonly writer: Writer,
    private readonly announce: AnnounceVisitor,
  ) {}

  async identify(
    body: IdentifyBody,
    context: Omit<VisitorContext, 'pageOrigin' | 'language'>,
  ): Promise<IdentifyReply> {
    const visitor = await this.visitors.authenticate(body.siteKey, body.token, {
      ...context,
      pageOrigin: body.pageOrigin,
    });
    // A token proves one visitor only: naming another with it is a replay, refused alike.
    if (visitor.id !== body.visitorId) throw new AppError('unauthorized', 'Unknown visitor token');
    const site = await this.identities.siteIdentity(visitor.siteId);
    const verified =
      site.secret !== null &&
      body.hash !== undefined &&
      hashMatches(site.secret, body.id, body.hash);
    if (!verified && site.required) {
      throw new AppError(
        'identity_unverified',
        'This site accepts verified identities only: the hash is missing or wrong',
      );
    }
    const current = await this.identities.visitor(visitor.id);
    if (!current) throw new AppError('unauthorized', 'Unknown visitor token');
    const profile = { name: body.name, email: body.email, attributes: body.attributes };
    return verified
      ? this.verify(visitor, current, body.id, profile)
      : this.claim(visitor, current, body.id, profile);
  }

  /** A wrong or missing hash: the id is kept as a claim on an anonymous visitor, linked to nobody. */
  private async claim(
    visitor: VisitorIdentity,
    current: IdentifiedVisitor,
    claimedId: string,
    profile: ProfileChanges,
  ): Promise<IdentifyReply> {
    if (current.external_id !== null) {
      // This browser holds a verified user's token; someone else now claims to be here.
      const fresh = await this.visitors.startAnother(visitor);
      const created = await this.identities.visitor(fresh.visitorId);
      await this.identities.updateProfile(created!, { ...profile, claimedId });
      return { ...fresh, verified: false };
    }
    await this.identities.updateProfile(current, { ...profile, claimedId });
    return { visitorId: current.id, token: null, verified: false };
  }

  private async verify(
    visitor: VisitorIdentity,
    current: IdentifiedVisitor,
    externalId: string,
    profile: ProfileChanges,
  ): Promise<IdentifyReply> {
    const at = now();
    const result = await this.writer.write(async (trx) => {
      const repo = this.identities.withTransaction(trx);
      const canonical = await repo.canonical(visitor.siteId, externalId);
      if (canonical?.id === current.id) {
        await repo.updateProfile(current, profile);
        return { reply: { visitorId: current.id, token: null }, moved: 0 };
      }
      // An anonymous visitor brings its conversations along, and so does one verified as the same
      // user by a second device at the same moment (the first made stays the one); another
      // verified user's conversations stay theirs.
      const anonymous = current.external_id === null || current.external_id === externalId;
      if (!canonical && anonymous) {
        await repo.updateProfile(current, { ...profile, externalId, claimedId: null });
        await logIdentified(trx, visitor, current.id, { linked: false, moved: 0 }, at);
        return { reply: { visitorId: current.id, token: null }, moved: 0 };
      }
      if (!canonical) return undefined;
      const moved = anonymous
        ? await repo.moveConversations(visitor.orgId, current.id, canonical.id)
        : [];
      const token = newToken();
      await repo.addToken(visitor.orgId, canonical.id, hashToken(token), at);
      await repo.updateProfile(canonical, profile);
      await logIdentified(trx, visitor, canonical.id, { linked: true, moved: moved.length }, at);
      return { reply: { visitorId: canonical.id, token }, moved: moved.length };
    });
    if (result) {
      if (result.moved > 0) await this.announce(visitor.orgId, result.reply.visitorId);
      return { ...result.reply, verified: true };
    }
    // A verified user's browser, and a new verified user with no visitor yet: a fresh one for them.
    const fresh = await this.visitors.startAnother(visitor);
    const created = await this.identities.visitor(fresh.visitorId);
    await this.identities.updateProfile(created!, { ...profile, externalId });
    return { ...fresh, verified: true };
  }

  async settings(actor: Actor, siteId: string): Promise<SiteIdentitySettings> {
    authorize(sitePolicy.read(actor), 'Only owners and admins can see site settings');
    await this.siteOf(actor, siteId);
    return toSettings(await this.identities.siteIdentity(siteId));
  }

  /** Makes (or rotates) the site's secret; the reply is the only time anyone sees it. */
  async rotateSecret(actor: Actor, siteId: string): Promise<IdentitySecretReply> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can change a site');
    await this.siteOf(actor, siteId);
    const secret = randomBytes(32).toString('hex');
    const at = now();
    await this.writer.write(async (trx) => {
      await this.identities.withTransaction(trx).setSecret(siteId, secret, at);
      await logEvents(trx, [
        {
          type: 'site.identity_changed',
          orgId: actor.orgId,
          actor,
          data: { siteId, secret: true },
          at,
        },
      ]);
    });
    return { secret, identity: toSettings(await this.identities.siteIdentity(siteId)) };
  }

  async setRequired(
    actor: Actor,
    siteId: string,
    required: boolean,
  ): Promise<SiteIdentitySettings> {
    authorize(sitePolicy.write(actor), 'Only owners and admins can change a site');
    await this.siteOf(actor, siteId);
    const at = now();
    await this.writer.write(async (trx) => {
      await this.identities.withTransaction(trx).setRequired(siteId, required);
      await logEvents(trx, [
        {
          type: 'site.identity_changed',
          orgId: actor.orgId,
          actor,
          data: { siteId, required },
          at,
        },
      ]);
    });
    return toSettings(await this.identities.siteIdentity(siteId));
  }

  private async siteOf(actor: Actor, siteId: string): Promise<void> {
    if (!(await this.sites.findForOrg(actor.orgId, siteId))) throw notFound('Site');
  }
}

function toSettings(site: {
  secretCreatedAt: string | null;
  required: boolean;
}): SiteIdentitySettings {
  return { secretCreatedAt: site.secretCreatedAt, required: site.required };
}

async function logIdentified(
  trx: Parameters<typeof logEvents>[0],
  visitor: VisitorIdentity,
  visitorId: string,
  data: { linked: boolean; moved: number },
  at: string,
): Promise<void> {
  const actor = {
    kind: 'visitor' as const,
    id: visitor.id,
    orgId: visitor.orgId,
    siteId: visitor.siteId,
  };
  await logEvents(trx, [
    { type: 'visitor.identified', orgId: visitor.orgId, actor, visitorId, data, at },
  ]);
}
