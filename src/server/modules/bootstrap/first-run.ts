import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/database';
import { now } from '../../tokens';
import { hashPassword } from '../auth/password';
import { AgentsRepository } from '../auth/agents.repository';
import { SitesRepository } from '../sites/sites.repository';

export interface FirstRunOptions {
  publicUrl: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
}

export interface FirstRunResult {
  adminEmail: string;
  /** Set only when Parley made the password up: it is shown once, at this start. */
  generatedPassword: string | undefined;
  widgetKey: string;
}

/**
 * On an empty store: one organization, a demo site that the built-in /demo page may embed, and
 * an owner account. Returns undefined when the store already has an organization.
 */
export async function seedFirstRun(
  db: Db,
  options: FirstRunOptions,
): Promise<FirstRunResult | undefined> {
  const existing = await db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;

  const at = now();
  const orgId = randomUUID();
  const adminEmail = options.adminEmail ?? 'admin@example.com';
  const generatedPassword = options.adminPassword
    ? undefined
    : randomBytes(12).toString('base64url');
  const widgetKey = randomBytes(12).toString('base64url');

  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('organizations')
      .values({ id: orgId, name: 'My company', created_at: at })
      .execute();
    await new SitesRepository(trx).insert(
      {
        id: randomUUID(),
        orgId,
        name: 'Demo site',
        widgetKey,
        allowedOrigins: demoOrigins(options.publicUrl),
      },
      at,
    );
    await new AgentsRepository(trx).insert({
      id: randomUUID(),
      org_id: orgId,
      email: adminEmail,
      name: 'Admin',
      password_hash: await hashPassword(options.adminPassword ?? generatedPassword ?? ''),
      role: 'owner',
      created_at: at,
    });
  });
  return { adminEmail, generatedPassword, widgetKey };
}

/** The public origin, plus its twin when it is a loopback name (localhost ↔ 127.0.0.1). */
function demoOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  const origins = [url.origin];
  const twin = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' }[url.hostname];
  if (twin) {
    url.hostname = twin;
    origins.push(url.origin);
  }
  return origins;
}
