/**
 * `PARLEY_DATABASE_URL` → which engine, and where. Parsing is separate from connecting so that a
 * malformed URL stops the start before anything is opened, and so that every message about a
 * database can name it without its password.
 */

export type Engine = 'sqlite' | 'postgres' | 'mysql';

export type DatabaseTarget =
  { engine: 'sqlite'; url: string; file: string } | { engine: 'postgres' | 'mysql'; url: string };

/** A URL Parley cannot use; the message names the URL without its password. */
export class DatabaseUrlError extends Error {}

const SCHEMES: Record<string, Engine> = {
  'sqlite:': 'sqlite',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

/**
 * @example
 * parseDatabaseUrl('sqlite:/var/lib/parley/parley.sqlite') // { engine: 'sqlite', file: '/var/…' }
 * parseDatabaseUrl('postgres://parley:secret@db:5432/parley') // { engine: 'postgres', url }
 * parseDatabaseUrl('mysql://parley:secret@db:3306/parley') // { engine: 'mysql', url }
 */
export function parseDatabaseUrl(url: string, resolvePath: (p: string) => string): DatabaseTarget {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  const engine = scheme === undefined ? undefined : SCHEMES[scheme];
  if (!engine) {
    throw new DatabaseUrlError(
      `${redactUrl(url)}: expected sqlite:/path/to/file.sqlite, postgres://user:password@host:port/database or mysql://user:password@host:port/database`,
    );
  }
  if (engine === 'sqlite') {
    // sqlite:/abs/file, sqlite:relative/file and sqlite:///abs/file all name a file.
    const file = url.slice(scheme!.length).replace(/^\/\/(?=\/)/, '');
    if (file === '' || file.startsWith('//')) {
      throw new DatabaseUrlError(`${url}: expected sqlite:/path/to/file.sqlite`);
    }
    return { engine, url, file: resolvePath(file) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(`${redactUrl(url)}: not a valid URL`);
  }
  if (!parsed.hostname) throw new DatabaseUrlError(`${redactUrl(url)}: names no host`);
  if (parsed.pathname.replace(/^\//, '') === '') {
    throw new DatabaseUrlError(`${redactUrl(url)}: names no database (…/database at the end)`);
  }
  return { engine, url };
}

/** The URL with its password replaced, fit for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL at all: hide everything between "user:" and the last "@" of the authority.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/i, '$1***@');
  }
}

/** The database name of a server URL (`…/parley` → `parley`). */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}
