import type { Availability } from '../../../protocol/offline-schemas';
import type { Message } from '../../../protocol/schemas';
import type { JobQueue } from '../../core/jobs/job-queue';
import type { ConversationsService } from '../conversations/conversations.service';
import type { VisitorIdentity } from '../visitors/visitors.service';
import type { SiteAvailability } from './availability';
import { enqueueOfflineNotice } from './offline-mail.jobs';

/**
 * The widget's offline side: whether anyone can chat, and the leave-a-message form, which
 * becomes the visitor's conversation (a new one, or its current one) through the one visitor
 * message path — same limits, same idempotency by client id — and, with SMTP set up, an email to
 * the team queued in the same transaction.
 */
export class OfflineService {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly availability: SiteAvailability,
    private readonly jobs: JobQueue,
    private readonly emailTeam: boolean,
  ) {}

  availabilityFor(visitor: VisitorIdentity): Promise<Availability> {
    return this.availability.forSite(visitor.orgId, visitor.siteId);
  }

  /**
   * Stores the visitor's name and email and its message (marked as left offline). Accepted
   * whoever is online by now: the visitor filled the form in when nobody was.
   */
  leaveMessage(
    visitor: VisitorIdentity,
    form: { clientId: string; name: string; email: string; body: string },
  ): Promise<Message> {
    const { name, email } = form;
    return this.conversations.sendVisitorMessage(
      visitor,
      { clientId: form.clientId, body: form.body },
      {
        meta: { kind: 'offline_message', name, email },
        contact: { name, email },
        withinCommit: this.emailTeam
          ? (trx, { message }) =>
              enqueueOfflineNotice(this.jobs, trx, { orgId: visitor.orgId, messageId: message.id })
          : undefined,
      },
    );
  }
}
