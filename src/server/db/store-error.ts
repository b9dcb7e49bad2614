/**
 * Why Parley cannot use a database, with a stable code (for tests and scripts) and a message for
 * the operator. The message never contains the URL: whoever prints it adds `redactUrl(url)`.
 */
export type StoreErrorCode =
  /** Not a URL Parley understands. */
  | 'database_url_invalid'
  /** Nothing answers at that host and port, or not in time. */
  | 'database_unreachable'
  /** The server refused the user or the password, or the user may not use that database. */
  | 'database_access_denied'
  /** The server has no database of that name (Parley does not create it). */
  | 'database_not_found'
  /** A SQLite file that cannot be opened or is not a database. */
  | 'database_unreadable'
  /** A server version or setting Parley cannot run on. */
  | 'database_unsupported'
  /** The database holds another application's tables. */
  | 'database_foreign'
  /** A newer Parley has migrated the database. */
  | 'database_newer'
  /** `restore` or `migrate-data` into a database that already holds data. */
  | 'database_not_empty'
  /** `restore` of a file that is not a whole, intact Parley backup. */
  | 'backup_invalid'
  /** `migrate-data`: what arrived differs from what was sent. */
  | 'transfer_mismatch';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
