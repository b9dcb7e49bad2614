/**
 * Environment → validated config. Every variable Parley reads is listed here once, with its
 * meaning; an unknown PARLEY_* variable or a malformed value stops the start with a clear message.
 */
import path from 'node:path';
import { z } from 'zod';
import { DatabaseUrlError, parseDatabaseUrl } from './db/database-url';

const schema = z.object({
  /** TCP port of the one HTTP server (API, realtime, widget, console). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where the SQLite file lives (and, later, uploads). */
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  /**
   * Store: unset for `PARLEY_DATA_DIR/parley.sqlite`, or `sqlite:/path/to/file.sqlite`,
   * `postgres://user:password@host:5432/database` or `mysql://user:password@host:3306/database`.
   */
  PARLEY_DATABASE_URL: z.string().min(1).optional(),
  /** Connections each Parley process keeps to PostgreSQL or MySQL. */
  PARLEY_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  /** A database statement running longer than this (milliseconds) is cancelled. */
  PARLEY_DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** The address people reach this server at; the console URL and the demo site's origin come from it. */
  PARLEY_PUBLIC_URL: z.url().optional(),
  /** First admin, created on an empty database. Unset: admin@example.com with a generated password. */
  PARLEY_ADMIN_EMAIL: z.email().optional(),
  PARLEY_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /**
   * Set to `true` behind a reverse proxy (nginx, Caddy, a load balancer), so client IPs for rate
   * limits come from X-Forwarded-For. Leave unset when clients connect directly.
   */
  PARLEY_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  PARLEY_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  publicUrl: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  logLevel: string;
  trustProxy: boolean;
}

export interface DatabaseConfig {
  /** `sqlite:/absolute/path` by default; see `parseDatabaseUrl`. */
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const known = new Set(Object.keys(schema.shape));
  const unknown = Object.keys(env).filter((k) => k.startsWith('PARLEY_') && !known.has(k));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Unknown setting ${unknown.join(', ')}: see "Configuration" in README.md`,
    );
  }
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  const dataDir = path.resolve(v.PARLEY_DATA_DIR);
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    database: {
      url: databaseUrl(v.PARLEY_DATABASE_URL, dataDir),
      poolSize: v.PARLEY_DATABASE_POOL_SIZE,
      statementTimeoutMs: v.PARLEY_DATABASE_STATEMENT_TIMEOUT_MS,
    },
    publicUrl: (v.PARLEY_PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    adminEmail: v.PARLEY_ADMIN_EMAIL?.toLowerCase(),
    adminPassword: v.PARLEY_ADMIN_PASSWORD,
    logLevel: v.PARLEY_LOG_LEVEL,
    trustProxy: v.PARLEY_TRUST_PROXY === 'true',
  };
}

/** The configured URL, checked here so that a malformed one stops the start before any I/O. */
function databaseUrl(url: string | undefined, dataDir: string): string {
  if (!url) return `sqlite:${path.join(dataDir, 'parley.sqlite')}`;
  try {
    const target = parseDatabaseUrl(url, (p) => path.resolve(p));
    return target.engine === 'sqlite' ? `sqlite:${target.file}` : url;
  } catch (error) {
    if (error instanceof DatabaseUrlError) {
      throw new ConfigError(`PARLEY_DATABASE_URL: ${error.message}`);
    }
    throw error;
  }
}
