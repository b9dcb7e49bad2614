import type { Migration } from 'kysely';
import * as initial from './0001-initial';
import * as abuseControls from './0002-abuse-controls';
import * as events from './0003-events';
import * as jobs from './0004-jobs';
import * as settings from './0005-settings';
import * as signIn from './0006-sign-in';
import * as refusedOrigins from './0007-refused-origins';
import * as visitorContact from './0008-visitor-contact';
import * as requireTwoFactor from './0009-require-two-factor';
import * as routing from './0010-routing';
import * as presence from './0011-presence';
import * as transfers from './0013-transfers';
import * as departmentChoice from './0015-department-choice';
import * as routingQueue from './0012-routing-queue';
import * as visitors from './0016-visitors';
import * as identityRequired from './0019-identity-required';
import * as invitationOnce from './0020-invitation-once';
import * as messageLanguage from './0021-message-language';
import * as translation from './0022-translation';
import * as agentLocale from './0023-agent-locale';

/** Every migration, by name; names sort in the order they run. Add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-abuse-controls': abuseControls,
  '0003-events': events,
  '0004-jobs': jobs,
  '0005-settings': settings,
  '0006-sign-in': signIn,
  '0007-refused-origins': refusedOrigins,
  '0008-visitor-contact': visitorContact,
  '0009-require-two-factor': requireTwoFactor,
  '0010-routing': routing,
  '0011-presence': presence,
  '0013-transfers': transfers,
  '0015-department-choice': departmentChoice,
  '0012-routing-queue': routingQueue,
  '0016-visitors': visitors,
  '0019-identity-required': identityRequired,
  '0020-invitation-once': invitationOnce,
  '0021-message-language': messageLanguage,
  '0022-translation': translation,
  '0023-agent-locale': agentLocale,
};
