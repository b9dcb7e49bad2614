import type { Kysely } from 'kysely';
import { dropIndex } from '../dialect';

/**
 * An automatic invitation fires at most once per visit, even when two beacons of the same visit
 * arrive at once on two nodes: the store refuses the second row. Manual invitations have no rule
 * (null), which unique indexes on every engine treat as distinct.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('invitations_visit_rule')
    .on('invitations')
    .columns(['visit_id', 'rule_id'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropIndex(db, 'invitations_visit_rule', 'invitations');
}
