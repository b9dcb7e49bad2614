import type { Db } from '../../db/database';
import { IDENTITY_LIMITS } from '../../../protocol/visitor-schemas';
import { parseAttributes } from '../visitors/visitor-attributes';

/** A site's identity secret and whether identify must prove it. */
export interface SiteIdentity {
  secret: string | null;
  secretCreatedAt: string | null;
  required: boolean;
}

/** What identify writes on a visitor; what is left out stays. */
export interface ProfileChanges {
  externalId?: string | null;
  claimedId?: string | null;
  name?: string;
  email?: string;
  attributes?: Record<string, string>;
}

export interface IdentifiedVisitor {
  id: string;
  external_id: string | null;
  attributes: string | null;
}

/** Identity secrets, verified visitors, and the tokens that let another device act as one. */
export class IdentityRepository {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): IdentityRepository {
    return new IdentityRepository(trx);
  }

  async siteIdentity(siteId: string): Promise<SiteIdentity> {
    const row = await this.db
      .selectFrom('sites')
      .select(['identity_secret', 'identity_secret_at', 'identity_required'])
      .where('id', '=', siteId)
      .executeTakeFirstOrThrow();
    return {
      secret: row.identity_secret,
      secretCreatedAt: row.identity_secret_at,
      required: Number(row.identity_required) === 1,
    };
  }

  async setSecret(siteId: string, secret: string, at: string): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({ identity_secret: secret, identity_secret_at: at })
      .where('id', '=', siteId)
      .execute();
  }

  async setRequired(siteId: string, required: boolean): Promise<void> {
    await this.db
      .updateTable('sites')
      .set({ identity_required: required ? 1 : 0 })
      .where('id', '=', siteId)
      .execute();
  }

  visitor(id: string): Promise<IdentifiedVisitor | undefined> {
    return this.db
      .selectFrom('visitors')
      .select(['id', 'external_id', 'attributes'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /**
   * The one visitor a verified id stands for on a site: the first made, so that two devices that
   * verified at the same moment still agree on it afterwards.
   */
  canonical(siteId: string, externalId: string): Promise<IdentifiedVisitor | undefined> {
    return this.db
      .selectFrom('visitors')
      .select(['id', 'external_id', 'attributes'])
      .where('site_id', '=', siteId)
      .where('external_id', '=', externalId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  async updateProfile(visitor: IdentifiedVisitor, changes: ProfileChanges): Promise<void> {
    // Read as the profile reads it: unreadable stored JSON is no attributes, not a failed identify.
    const stored = parseAttributes(visitor.attributes);
    const set = {
      ...(changes.externalId === undefined ? {} : { external_id: changes.externalId }),
      ...(changes.claimedId === undefined ? {} : { claimed_id: changes.claimedId }),
      ...(changes.name ? { name: changes.name } : {}),
      ...(changes.email ? { email: changes.email } : {}),
      ...(changes.attributes
        ? { attributes: JSON.stringify(mergeAttributes(stored, changes.attributes)) }
        : {}),
    };
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('visitors').set(set).where('id', '=', visitor.id).execute();
  }

  /** Another device's token for `visitorId`: the visitor handshake accepts it as the visitor's own. */
  async addToken(orgId: string, visitorId: string, tokenHash: string, at: string): Promise<void> {
    await this.db
      .insertInto('visitor_tokens')
      .values({
        token_hash: tokenHash,
        org_id: orgId,
        visitor_id: visitorId,
        created_at: at,
        last_seen_at: at,
      })
      .execute();
  }

  /** Hands an anonymous visitor's conversations, and what it wrote in them, to the verified one. */
  async moveConversations(orgId: string, fromId: string, toId: string): Promise<string[]> {
    const moved = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('org_id', '=', orgId)
      .where('visitor_id', '=', fromId)
      .execute();
    const ids = moved.map((row) => row.id);
    if (ids.length === 0) return ids;
    await this.db
      .updateTable('conversations')
      .set({ visitor_id: toId })
      .where('org_id', '=', orgId)
      .where('visitor_id', '=', fromId)
      .execute();
    await this.db
      .updateTable('messages')
      .set({ author_id: toId })
      .where('conversation_id', 'in', ids)
      .where('author_type', '=', 'visitor')
      .where('author_id', '=', fromId)
      .execute();
    return ids;
  }
}

/**
 * Each identify may bring new keys: without a cap, repeated calls would grow one visitor's row
 * without end. The newest keys win; the oldest stored ones make room.
 */
function mergeAttributes(
  stored: Record<string, string>,
  added: Record<string, string>,
): Record<string, string> {
  const kept = Object.entries(stored).filter(([key]) => !(key in added));
  const room = Math.max(0, IDENTITY_LIMITS.attributes - Object.keys(added).length);
  return { ...Object.fromEntries(kept.slice(Math.max(0, kept.length - room))), ...added };
}
