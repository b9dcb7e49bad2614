import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import type { JobQueue } from '../../core/jobs/job-queue';
import type { Mailer } from '../../core/mailer';
import type { Db } from '../../db/database';
import { inTransaction } from '../../db/transaction';
import type { OfflineRepository } from './offline.repository';

/** Works out who to tell of a message left while nobody was online, one email job each. */
export const OFFLINE_NOTICE_JOB = 'offline.notice';
/** Emails one team member a message left while nobody was online. */
export const OFFLINE_EMAIL_JOB = 'offline.email';

const noticePayload = z.object({ orgId: entityId, messageId: entityId });
const emailPayload = noticePayload.extend({ to: z.string().min(3).max(254) });

/**
 * Queues the team's email about a left message, in `trx` (the message's own transaction: the
 * email is sent if and only if the message is stored). Once per message, however often the
 * visitor's form is retried.
 */
export function enqueueOfflineNotice(
  jobs: JobQueue,
  trx: Db,
  notice: z.input<typeof noticePayload>,
): Promise<string> {
  return jobs.enqueue(trx, {
    type: OFFLINE_NOTICE_JOB,
    payload: notice,
    orgId: notice.orgId,
    dedupeKey: `${OFFLINE_NOTICE_JOB}:${notice.messageId}`,
  });
}

/**
 * The emails go out from jobs, so a failing SMTP relay is retried with backoff and the message
 * itself (already stored) is never lost. One job per recipient: a retry never emails twice
 * someone the relay already accepted.
 */
export function registerOfflineMailJobs(
  jobs: JobQueue,
  db: Db,
  repo: OfflineRepository,
  mailer: Mailer | undefined,
  publicUrl: string,
): void {
  jobs.register(OFFLINE_NOTICE_JOB, noticePayload, async ({ orgId, messageId }) => {
    const left = await leftMessage(db, orgId, messageId);
    if (!left) return; // deleted since (retention, erasure): nobody to tell of it
    const recipients = await recipientsOf(repo, orgId, left.departmentId, left.siteId);
    await inTransaction(db, async (trx) => {
      for (const to of recipients) {
        await jobs.enqueue(trx, {
          type: OFFLINE_EMAIL_JOB,
          payload: { orgId, messageId, to },
          orgId,
          dedupeKey: `${OFFLINE_EMAIL_JOB}:${messageId}:${to}`,
        });
      }
    });
  });
  jobs.register(OFFLINE_EMAIL_JOB, emailPayload, async ({ orgId, messageId, to }) => {
    const left = await leftMessage(db, orgId, messageId);
    if (!left || !mailer) return; // SMTP was switched off since the message came
    const link = `${publicUrl}/console/conversations/${left.conversationId}`;
    const from = left.email ? `${left.name} <${left.email}>` : left.name;
    await mailer.send({
      to,
      replyTo: left.email || undefined,
      subject: oneLine(`New message from ${left.name} on ${left.siteName}`),
      text: `${from} left a message while nobody was online:\n\n${left.body}\n\nAnswer it in Parley: ${link}`,
    });
  });
}

/**
 * Who hears of it: the active members of the conversation's department (else the site's default
 * one); the organization's whole active team when there is no department, or nobody active in it.
 */
async function recipientsOf(
  repo: OfflineRepository,
  orgId: string,
  departmentId: string | null,
  siteId: string,
): Promise<string[]> {
  const department = departmentId ?? (await repo.siteDepartment(orgId, siteId));
  const members = department === null ? [] : await repo.activeEmails(orgId, department);
  return members.length > 0 ? members : repo.activeEmails(orgId, null);
}

async function leftMessage(db: Db, orgId: string, messageId: string) {
  const row = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('sites', 'sites.id', 'conversations.site_id')
    .select([
      'messages.body',
      'messages.meta',
      'conversations.id as conversationId',
      'conversations.department_id as departmentId',
      'conversations.site_id as siteId',
      'sites.name as siteName',
    ])
    .where('messages.org_id', '=', orgId)
    .where('messages.id', '=', messageId)
    .executeTakeFirst();
  if (!row) return undefined;
  const meta =
    row.meta === null ? null : (JSON.parse(row.meta) as { name?: string; email?: string });
  return { ...row, name: meta?.name ?? 'A visitor', email: meta?.email ?? '' };
}

/** A header value on one line: no control characters from what a visitor typed. */
const oneLine = (text: string) => text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
