/**
 * Makes the bench's visitors straight in the store, through Parley's own VisitorsService. The
 * REST route that normally makes them allows 30 a minute per address, and every bench client
 * comes from 127.0.0.1. The server is already running on the store: SQLite is in WAL mode, so a
 * second process may write to it, and PostgreSQL and MySQL take any number of clients.
 */
import { createDb } from '../../src/server/db/database';
import { transactionWriter } from '../../src/server/db/writer';
import { DomainEvents } from '../../src/server/domain-events';
import { SitesRepository } from '../../src/server/modules/sites/sites.repository';
import { VisitorsRepository } from '../../src/server/modules/visitors/visitors.repository';
import { VisitorsService } from '../../src/server/modules/visitors/visitors.service';
import type { CreateVisitorReply } from '../../src/protocol/schemas';
import { SITE_ORIGIN } from '../../test/helpers/server';

export interface SeededVisitors {
  widgetKey: string;
  visitors: CreateVisitorReply[];
}

export async function seedVisitors(databaseUrl: string, count: number): Promise<SeededVisitors> {
  const db = await createDb(databaseUrl, { poolSize: 1 });
  try {
    const site = await db
      .selectFrom('sites')
      .select('widget_key')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    // One transaction: one commit for all of them, not one fsync each.
    const visitors = await db.transaction().execute(async (trx) => {
      const service = new VisitorsService(
        new SitesRepository(trx),
        new VisitorsRepository(trx),
        transactionWriter(trx),
        new DomainEvents(),
      );
      const made: CreateVisitorReply[] = [];
      for (let i = 0; i < count; i++) {
        made.push(
          await service.create(
            { siteKey: site.widget_key },
            { origin: SITE_ORIGIN, fromOwnFrame: false, address: '127.0.0.1' },
          ),
        );
      }
      return made;
    });
    return { widgetKey: site.widget_key, visitors };
  } finally {
    await db.destroy();
  }
}
