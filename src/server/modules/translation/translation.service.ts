import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { isoNow, systemClock, type Clock } from '../../core/clock';
import type { JobQueue, RunningJob } from '../../core/jobs/job-queue';
import { authorize } from '../../core/policy';
import { logEvents } from '../../core/event-log';
import type { Db } from '../../db/database';
import { isUniqueViolation } from '../../db/dialect';
import { inTransaction } from '../../db/transaction';
import type { MessagesTable } from '../../db/schema';
import type { DomainEvents } from '../../domain-events';
import { AppError, notFound } from '../../errors';
import type { TranslationConfig } from '../../env';
import { normalizeLanguage, sameLanguage } from '../../../protocol/languages';
import type { MessageTranslation } from '../../../protocol/schemas';
import {
  MAX_GLOSSARY_TERMS,
  MAX_TRANSLATION_BATCH,
  type GlossaryTerm,
  type GlossaryTermBody,
  type TranslatePreview,
  type TranslationSettings,
  type UpdateTranslationSettingsBody,
} from '../../../protocol/translation-schemas';
import {
  ConversationsRepository,
  type ConversationView,
} from '../conversations/conversations.repository';
import { ConversationVisibility, mayView } from '../conversations/visibility';
import type { MessageTranslations, NewMessage } from '../messages/messages.service';
import { audienceOf } from '../messages/messages.service';
import { glossaryVersion, type GlossaryEntry } from './glossary';
import {
  adapterFor,
  DEFAULT_TIMEOUT_MS,
  type ProviderConfig,
  type TranslationAdapter,
} from './providers';
import { translateText } from './translate';
import { translationPolicy } from './translation.policy';
import { TranslationRepository, type TranslationRow } from './translation.repository';

export const TRANSLATION_JOB = 'translation.message';
/** A provider down for a while still translates: the last try is some minutes after the first. */
export const TRANSLATION_MAX_ATTEMPTS = 10;
/** The console language of an agent who chose none. */
const DEFAULT_AGENT_LANGUAGE = 'en';

export interface TranslationJob {
  orgId: string;
  messageId: string;
  language: string;
}

export interface TranslationServiceOptions {
  /** PARLEY_TRANSLATE_*: wins over every organization's settings. */
  environment?: TranslationConfig | undefined;
  /** How long a provider may take (10 s). */
  timeoutMs?: number | undefined;
  clock?: Clock | undefined;
}

/** What an organization stored in Settings → Translation. */
interface StoredSettings {
  provider: ProviderConfig['provider'];
  url: string;
  key: string | null;
  model: string | null;
}

/**
 * Live translation: every message that needs it gets a translation row, pending until a job has
 * the provider's answer (cache first); the message itself never waits. The provider comes from
 * the environment, else the organization's settings; its glossary is applied to every text.
 */
export class TranslationService implements MessageTranslations {
  private readonly repo: TranslationRepository;
  private readonly conversations: ConversationsRepository;
  private readonly visibility: ConversationVisibility;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly environment: TranslationConfig | undefined;

  constructor(
    private readonly db: Db,
    private readonly jobs: JobQueue,
    private readonly events: DomainEvents,
    options: TranslationServiceOptions = {},
  ) {
    this.repo = new TranslationRepository(db);
    this.conversations = new ConversationsRepository(db);
    this.visibility = new ConversationVisibility(db);
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.environment = options.environment;
  }

  // ---- the message path's hook ----

  async onAppend(
    trx: Db,
    { message, conversation }: { message: MessagesTable; conversation: ConversationView },
    actor: Actor,
    input: NewMessage,
  ): Promise<MessageTranslation[]> {
    // Private notes are never sent to a provider; the system's entries are not what was said.
    if (message.internal === 1 || message.author_type === 'system') return [];
    const repo = this.repo.withTransaction(trx);
    const at = message.created_at;
    const row = {
      message_id: message.id,
      org_id: message.org_id,
      conversation_id: conversation.id,
    };
    if (message.author_type !== 'visitor' && input.translation) {
      const { language, body } = input.translation;
      await repo.insertTranslation({ ...row, language, status: 'done', body, updated_at: at });
      return [{ language, status: 'done', body }];
    }
    // Without a provider nothing is queued: no message waits on a translation that cannot come.
    if (!(await this.configured(message.org_id, repo))) return [];
    const target = await this.eagerTarget(repo, message, conversation, actor, input);
    if (target === null) return [];
    await repo.insertTranslation({
      ...row,
      language: target,
      status: 'pending',
      body: null,
      updated_at: at,
    });
    await this.enqueue(trx, { orgId: message.org_id, messageId: message.id, language: target });
    return [{ language: target, status: 'pending', body: null }];
  }

  async ofMessages(
    conversationId: string,
    messageIds: string[],
  ): Promise<Map<string, MessageTranslation[]>> {
    const byMessage = new Map<string, MessageTranslation[]>();
    for (const row of await this.repo.ofMessages(conversationId, messageIds)) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push(toTranslation(row));
      byMessage.set(row.message_id, list);
    }
    return byMessage;
  }

  /**
   * The language a new message is translated into at once, or null: a visitor's into its
   * assignee's console language (English while nobody has it); an agent's reply into the
   * conversation's language, unless the agent said not to.
   */
  private async eagerTarget(
    repo: TranslationRepository,
    message: MessagesTable,
    conversation: ConversationView,
    actor: Actor,
    input: NewMessage,
  ): Promise<string | null> {
    if (message.author_type === 'visitor') {
      const source = message.language ?? conversation.language;
      const reader =
        conversation.assignee_id === null
          ? null
          : await repo.agentLocale(message.org_id, conversation.assignee_id);
      const target = reader ?? DEFAULT_AGENT_LANGUAGE;
      return source !== null && !sameLanguage(source, target) ? target : null;
    }
    const target = conversation.language;
    if (target === null || normalizeLanguage(target) === null) return null;
    // Agents' replies are translated unless they say not to; bots' and tokens' only when asked.
    if (actor.kind === 'agent' ? input.translate === false : input.translate !== true) return null;
    const writer =
      actor.kind === 'agent'
        ? ((await repo.agentLocale(actor.orgId, actor.id)) ?? DEFAULT_AGENT_LANGUAGE)
        : null;
    return sameLanguage(writer, target) ? null : target;
  }

  private enqueue(db: Db, job: TranslationJob): Promise<string> {
    return this.jobs.enqueue(db, {
      type: TRANSLATION_JOB,
      payload: job,
      orgId: job.orgId,
      maxAttempts: TRANSLATION_MAX_ATTEMPTS,
    });
  }

  // ---- the job ----

  /**
   * Translates one message into one language (cache first). A provider failure throws, and the
   * queue runs the job again after a backoff; the last attempt marks the translation failed and
   * tells those who wait for it.
   */
  async runJob(job: TranslationJob, running: RunningJob): Promise<void> {
    const row = await this.repo.findTranslation(job.orgId, job.messageId, job.language);
    if (!row || row.status === 'done') return;
    const message = await this.repo.message(job.orgId, job.messageId);
    const conversation =
      message && (await this.conversations.findForOrg(job.orgId, message.conversation_id));
    if (!message || !conversation) return;
    const provider = await this.provider(job.orgId);
    try {
      if (!provider)
        throw new AppError('translation_not_configured', 'No translation provider is set up');
      const source =
        message.author_type === 'visitor' ? (message.language ?? conversation.language) : null;
      const body = await this.translate(job.orgId, provider, message.body, source, job.language);
      await this.repo.settle(row, {
        status: 'done',
        body,
        provider: provider.provider,
        at: this.now(),
      });
      this.announce(conversation, message, { language: row.language, status: 'done', body });
    } catch (error) {
      const last = running.attempt >= running.maxAttempts || error instanceof AppError;
      await this.repo.settle(row, {
        status: last ? 'failed' : 'pending',
        body: null,
        provider: provider?.provider ?? null,
        at: this.now(),
      });
      if (last)
        this.announce(conversation, message, {
          language: row.language,
          status: 'failed',
          body: null,
        });
      throw error;
    }
  }

  private announce(
    conversation: ConversationView,
    message: MessagesTable,
    translation: MessageTranslation,
  ): void {
    this.events.emit('message.translated', {
      orgId: conversation.org_id,
      visitorId: conversation.visitor_id,
      audience: audienceOf(conversation),
      // The visitor hears of the translations of what was said to it, into its own language.
      toVisitor:
        message.internal === 0 &&
        message.author_type !== 'visitor' &&
        sameLanguage(translation.language, conversation.language),
      translated: {
        conversationId: conversation.id,
        messageId: message.id,
        seq: message.seq,
        translation,
      },
    });
  }

  /** Cache first; else the provider, whose answer is cached for the next same text. */
  private async translate(
    orgId: string,
    provider: ProviderConfig,
    text: string,
    source: string | null,
    target: string,
  ): Promise<string> {
    const glossary: GlossaryEntry[] = await this.repo.glossary(orgId);
    const key = createHash('sha256')
      .update(
        [orgId, provider.provider, source ?? '', target, glossaryVersion(glossary), text].join(
          '\u0000',
        ),
      )
      .digest('hex');
    const cached = await this.repo.cached(key);
    if (cached !== undefined) return cached;
    const body = await translateText(this.adapter(provider), { text, source, target, glossary });
    await this.repo.cache(key, orgId, body, this.now());
    return body;
  }

  /** Drops cached answers older than `before` (a daily job). */
  async pruneCache(before: string): Promise<void> {
    while ((await this.repo.pruneCache(before, 1000)) === 1000);
  }

  /** The adapter for a provider; tests count its calls through the HTTP server they run. */
  private adapter(provider: ProviderConfig): TranslationAdapter {
    return adapterFor(provider, this.timeoutMs);
  }

  // ---- REST ----

  /**
   * The agent's draft in the conversation's language, now (cache first): what the composer
   * shows for the agent to check and edit before sending.
   */
  async preview(actor: Actor, conversationId: string, text: string): Promise<TranslatePreview> {
    authorize(translationPolicy.translate(actor), 'Only agents can preview translations');
    const conversation = await this.visible(actor, conversationId);
    const provider = await this.provider(actor.orgId);
    if (!provider)
      throw new AppError('translation_not_configured', 'No translation provider is set up');
    const target = conversation.language;
    const writer =
      actor.kind === 'agent'
        ? ((await this.repo.agentLocale(actor.orgId, actor.id)) ?? DEFAULT_AGENT_LANGUAGE)
        : null;
    if (target === null || normalizeLanguage(target) === null || sameLanguage(writer, target)) {
      throw new AppError('translation_not_needed', 'The conversation is in your language');
    }
    try {
      return {
        language: target,
        body: await this.translate(actor.orgId, provider, text, writer, target),
      };
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('translation_unavailable', 'The translation provider did not answer well');
    }
  }

  /**
   * Queues translations into `language` of the conversation's latest messages that have none
   * (a failed one is tried again): the reading agent's language. Results arrive as
   * `message:translated`.
   */
  async request(
    actor: Actor,
    conversationId: string,
    language: string,
  ): Promise<{ queued: number }> {
    authorize(translationPolicy.translate(actor), 'Only agents can ask for translations');
    const conversation = await this.visible(actor, conversationId);
    if (!(await this.configured(actor.orgId, this.repo))) {
      throw new AppError('translation_not_configured', 'No translation provider is set up');
    }
    const messages = await this.repo.latestSaid(conversation.id, MAX_TRANSLATION_BATCH);
    const at = this.now();
    // Two agents asking at once: the second one's insert meets the first one's row, and its
    // retry reads it and queues nothing twice.
    return inTransaction(
      this.db,
      async (trx) => {
        const repo = this.repo.withTransaction(trx);
        const existing = new Map<string, TranslationRow[]>();
        for (const row of await repo.ofMessages(
          conversation.id,
          messages.map((m) => m.id),
        )) {
          existing.set(row.message_id, [...(existing.get(row.message_id) ?? []), row]);
        }
        let queued = 0;
        for (const message of messages) {
          const source =
            message.author_type === 'visitor' ? (message.language ?? conversation.language) : null;
          if (sameLanguage(source, language)) continue;
          const had = (existing.get(message.id) ?? []).find((t) =>
            sameLanguage(t.language, language),
          );
          if (had && had.status !== 'failed') continue;
          const into = had?.language ?? language;
          if (had) {
            if (!(await repo.retryFailed(actor.orgId, message.id, into, at))) continue;
          } else {
            await repo.insertTranslation({
              message_id: message.id,
              org_id: actor.orgId,
              conversation_id: conversation.id,
              language: into,
              status: 'pending',
              body: null,
              updated_at: at,
            });
          }
          await this.enqueue(trx, { orgId: actor.orgId, messageId: message.id, language: into });
          queued += 1;
        }
        return { queued };
      },
      { retryOnDuplicate: true },
    );
  }

  async settings(actor: Actor): Promise<TranslationSettings> {
    authorize(
      translationPolicy.settings(actor),
      'Only owners and admins can see translation settings',
    );
    if (this.environment) {
      const { provider, url, key, model } = this.environment;
      return { provider, url, hasKey: key !== null, model, source: 'environment' };
    }
    const stored = parseSettings(await this.repo.settings(actor.orgId));
    if (!stored)
      return { provider: 'none', url: null, hasKey: false, model: null, source: 'settings' };
    return {
      provider: stored.provider,
      url: stored.url,
      hasKey: stored.key !== null,
      model: stored.model,
      source: 'settings',
    };
  }

  async updateSettings(
    actor: Actor,
    body: UpdateTranslationSettingsBody,
  ): Promise<TranslationSettings> {
    authorize(
      translationPolicy.settings(actor),
      'Only owners and admins can change translation settings',
    );
    if (this.environment) {
      throw new AppError('forbidden', 'Translation is set by the server (PARLEY_TRANSLATE_*)');
    }
    await inTransaction(this.db, async (trx) => {
      const repo = this.repo.withTransaction(trx);
      let stored: StoredSettings | null = null;
      if (body.provider !== 'none') {
        const before = parseSettings(await repo.settings(actor.orgId));
        const key =
          body.key === undefined ? (before?.key ?? null) : body.key === '' ? null : body.key;
        stored = {
          provider: body.provider,
          url: body.url!.replace(/\/+$/, ''),
          key,
          model: body.model === undefined ? (before?.model ?? null) : body.model,
        };
      }
      await repo.saveSettings(actor.orgId, stored === null ? null : JSON.stringify(stored));
      await logEvents(trx, [
        {
          type: 'organization.translation_changed',
          orgId: actor.orgId,
          actor,
          // Never the key itself: the log outlives it.
          data: { provider: body.provider, hasKey: stored !== null && stored.key !== null },
          at: this.now(),
        },
      ]);
    });
    return this.settings(actor);
  }

  async glossary(actor: Actor): Promise<GlossaryTerm[]> {
    authorize(translationPolicy.readGlossary(actor), 'Only agents can see the glossary');
    return (await this.repo.glossary(actor.orgId)).map(toTerm);
  }

  async addTerm(actor: Actor, body: GlossaryTermBody): Promise<GlossaryTerm> {
    authorize(
      translationPolicy.editGlossary(actor),
      'Only owners and admins can change the glossary',
    );
    const term = body.term;
    const translation = body.translation ?? null;
    if (await this.repo.termTaken(actor.orgId, term)) {
      throw new AppError('glossary_term_taken', 'This term is already in the glossary');
    }
    if ((await this.repo.countGlossary(actor.orgId)) >= MAX_GLOSSARY_TERMS) {
      throw new AppError('glossary_full', `A glossary holds at most ${MAX_GLOSSARY_TERMS} terms`);
    }
    const row = {
      id: randomUUID(),
      org_id: actor.orgId,
      term,
      translation,
      created_at: this.now(),
    };
    try {
      await inTransaction(this.db, async (trx) => {
        await this.repo.withTransaction(trx).addTerm(row);
        await this.logGlossary(trx, actor, 'added', row.id);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('glossary_term_taken', 'This term is already in the glossary');
      throw error;
    }
    return toTerm(row);
  }

  async removeTerm(actor: Actor, id: string): Promise<void> {
    authorize(
      translationPolicy.editGlossary(actor),
      'Only owners and admins can change the glossary',
    );
    await inTransaction(this.db, async (trx) => {
      if (!(await this.repo.withTransaction(trx).removeTerm(actor.orgId, id))) {
        throw notFound('Glossary term');
      }
      await this.logGlossary(trx, actor, 'removed', id);
    });
  }

  private logGlossary(trx: Db, actor: Actor, action: string, termId: string): Promise<void> {
    const at = this.now();
    return logEvents(trx, [
      { type: 'glossary.changed', orgId: actor.orgId, actor, data: { action, termId }, at },
    ]);
  }

  // ---- helpers ----

  /** The provider in force: the environment's, else the organization's; undefined: none. */
  async provider(orgId: string, repo = this.repo): Promise<ProviderConfig | undefined> {
    if (this.environment) return this.environment;
    return parseSettings(await repo.settings(orgId));
  }

  private async configured(orgId: string, repo: TranslationRepository): Promise<boolean> {
    return this.environment !== undefined || (await this.provider(orgId, repo)) !== undefined;
  }

  private async visible(actor: Actor, conversationId: string): Promise<ConversationView> {
    const scope = await this.visibility.scopeOf(actor);
    const conversation = await this.conversations.findForOrg(actor.orgId, conversationId);
    if (!conversation || !mayView(scope, conversation)) throw notFound('Conversation');
    return conversation;
  }

  private now(): string {
    return isoNow(this.clock);
  }
}

/** The detected language of a message (`messages.language`, once that column exists). */
function toTranslation(row: TranslationRow): MessageTranslation {
  return {
    language: row.language,
    status: row.status,
    body: row.status === 'done' ? row.body : null,
  };
}

function toTerm(row: { id: string; term: string; translation: string | null }): GlossaryTerm {
  return { id: row.id, term: row.term, translation: row.translation };
}

function parseSettings(json: string | null): StoredSettings | undefined {
  if (json === null) return undefined;
  try {
    const value = JSON.parse(json) as Partial<StoredSettings>;
    if (
      (value.provider === 'libretranslate' ||
        value.provider === 'deepl' ||
        value.provider === 'openai') &&
      typeof value.url === 'string'
    ) {
      return {
        provider: value.provider,
        url: value.url,
        key: typeof value.key === 'string' ? value.key : null,
        model: typeof value.model === 'string' ? value.model : null,
      };
    }
  } catch {
    // Unreadable settings are no settings: translation is off until an admin saves them again.
  }
  return undefined;
}
