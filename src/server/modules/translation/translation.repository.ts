import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database';
import { engineOf } from '../../db/dialect';
import type { GlossaryTermsTable, MessageTranslationsTable, MessagesTable } from '../../db/schema';
import type { TranslationStatus } from '../../../protocol/schemas';

export type TranslationRow = MessageTranslationsTable;

/** Translations, the provider cache, the glossary and the provider settings; scoped by org_id. */
export class TranslationRepository {
  constructor(private readonly db: Db) {}

  withTransaction(trx: Db): TranslationRepository {
    return new TranslationRepository(trx);
  }

  async insertTranslation(
    row: Omit<TranslationRow, 'id' | 'attempts' | 'provider'> & { provider?: string | null },
  ): Promise<void> {
    await this.db
      .insertInto('message_translations')
      .values({ id: randomUUID(), attempts: 0, provider: null, ...row })
      .execute();
  }

  findTranslation(
    orgId: string,
    messageId: string,
    language: string,
  ): Promise<TranslationRow | undefined> {
    return this.db
      .selectFrom('message_translations')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('message_id', '=', messageId)
      .where('language', '=', language)
      .executeTakeFirst();
  }

  /** Records a run's outcome; `status` pending keeps it waiting for the next attempt. */
  async settle(
    row: Pick<TranslationRow, 'org_id' | 'message_id' | 'language'>,
    change: { status: TranslationStatus; body: string | null; provider: string | null; at: string },
  ): Promise<void> {
    await this.db
      .updateTable('message_translations')
      .set((eb) => ({
        status: change.status,
        body: change.body,
        provider: change.provider,
        updated_at: change.at,
        attempts: eb('attempts', '+', 1),
      }))
      .where('org_id', '=', row.org_id)
      .where('message_id', '=', row.message_id)
      .where('language', '=', row.language)
      .execute();
  }

  /** A failed translation asked for again: pending once more. False when it was not failed. */
  async retryFailed(orgId: string, messageId: string, language: string, at: string) {
    const result = await this.db
      .updateTable('message_translations')
      .set({ status: 'pending', updated_at: at })
      .where('org_id', '=', orgId)
      .where('message_id', '=', messageId)
      .where('language', '=', language)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The translations of some messages of one conversation. */
  ofMessages(conversationId: string, messageIds: string[]): Promise<TranslationRow[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('message_translations')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('message_id', 'in', messageIds)
      .orderBy('message_id')
      .orderBy('language')
      .execute();
  }

  message(orgId: string, messageId: string): Promise<MessagesTable | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', messageId)
      .executeTakeFirst();
  }

  /** The conversation's latest messages a reader may want translated: no notes, no system entries. */
  latestSaid(conversationId: string, limit: number): Promise<MessagesTable[]> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('internal', '=', 0)
      .where('author_type', '!=', 'system')
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
  }

  /** The console language an agent picked in Profile, or null (the browser's). */
  async agentLocale(orgId: string, agentId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('agents')
      .select('locale')
      .where('org_id', '=', orgId)
      .where('id', '=', agentId)
      .executeTakeFirst();
    return row?.locale || null;
  }

  async cached(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('translation_cache')
      .select('body')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.body;
  }

  /** Two workers translating the same text at once: the first answer stays. */
  async cache(key: string, orgId: string, body: string, at: string): Promise<void> {
    const insert = this.db
      .insertInto('translation_cache')
      .values({ key, org_id: orgId, body, created_at: at });
    await (
      engineOf(this.db) === 'mysql'
        ? insert.ignore()
        : insert.onConflict((oc) => oc.column('key').doNothing())
    ).execute();
  }

  /** Cache rows older than `before`, at most `limit` at a time. */
  async pruneCache(before: string, limit: number): Promise<number> {
    const keys = await this.db
      .selectFrom('translation_cache')
      .select('key')
      .where('created_at', '<', before)
      .limit(limit)
      .execute();
    if (keys.length === 0) return 0;
    await this.db
      .deleteFrom('translation_cache')
      .where(
        'key',
        'in',
        keys.map((k) => k.key),
      )
      .execute();
    return keys.length;
  }

  glossary(orgId: string): Promise<GlossaryTermsTable[]> {
    return this.db
      .selectFrom('glossary_terms')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('term')
      .orderBy('id')
      .execute();
  }

  async countGlossary(orgId: string): Promise<number> {
    const row = await this.db
      .selectFrom('glossary_terms')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async addTerm(row: GlossaryTermsTable): Promise<void> {
    await this.db.insertInto('glossary_terms').values(row).execute();
  }

  async termTaken(orgId: string, term: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('glossary_terms')
      .select('id')
      .where('org_id', '=', orgId)
      .where('term', '=', term)
      .executeTakeFirst();
    return row !== undefined;
  }

  async removeTerm(orgId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('glossary_terms')
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async settings(orgId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('organizations')
      .select('translation_settings')
      .where('id', '=', orgId)
      .executeTakeFirst();
    return row?.translation_settings ?? null;
  }

  async saveSettings(orgId: string, json: string | null): Promise<void> {
    await this.db
      .updateTable('organizations')
      .set({ translation_settings: json })
      .where('id', '=', orgId)
      .execute();
  }
}
