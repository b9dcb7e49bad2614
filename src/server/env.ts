/**
 * Environment → validated config. Every variable Parley reads is listed here once, with its
 * meaning; an unknown PARLEY_* variable or a malformed value stops the start with a clear message.
 */
import path from 'node:path';
import { z } from 'zod';
import { DatabaseUrlError, parseDatabaseUrl } from './db/database-url';

/**
 * What one visitor, address, site or socket may do. Rates are per minute (per hour for new
 * conversations) with a burst of ten seconds' worth (see core/rate-limiter.ts).
 */
export interface Limits {
  /** Messages one visitor may send, over all their sockets and reconnects; a site may lower or raise it. */
  visitorMessagesPerMinute: number;
  /** Visitor messages from one client address, over all its visitors. */
  addressMessagesPerMinute: number;
  /** Visitor messages to one site as a whole. */
  siteMessagesPerMinute: number;
  /** New conversations opened from one client address in an hour. */
  addressConversationsPerHour: number;
  /** Realtime connections one visitor may hold at once (one per open tab). */
  visitorConnections: number;
  /** Visitor connections from one client address at once. */
  addressConnections: number;
  /** Tracking beacons from one client address (many visitors behind one NAT share it). */
  addressBeaconsPerMinute: number;
  /**
   * New visitors made from one client address. The loader makes one for each new browser on its
   * first page view, so an office or a carrier's NAT makes many.
   */
  addressVisitorsPerMinute: number;
  /** Data the server holds for one socket that is not reading it; past this the socket is closed. */
  socketBufferBytes: number;
  /** A socket with unsent data that has not drained for this long is closed. */
  socketStallMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  visitorMessagesPerMinute: 60,
  addressMessagesPerMinute: 300,
  siteMessagesPerMinute: 3000,
  addressConversationsPerHour: 20,
  visitorConnections: 10,
  addressConnections: 100,
  addressBeaconsPerMinute: 600,
  addressVisitorsPerMinute: 120,
  socketBufferBytes: 1024 * 1024,
  socketStallMs: 30_000,
};

/** `PARLEY_LIMIT_VISITOR_MESSAGES_PER_MINUTE` … for each limit, named after its key. */
const LIMIT_ENV = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((key) => [
    `PARLEY_LIMIT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
    key,
  ]),
) as Record<string, keyof Limits>;

function limitVariables() {
  return Object.fromEntries(
    Object.keys(LIMIT_ENV).map((name) => [name, z.coerce.number().int().min(1).optional()]),
  );
}

/** `false`, a hop count, or a list of proxy addresses; undefined when it is none of them. */
export type TrustProxy = false | number | string[];

function parseTrustProxy(value: string): TrustProxy | undefined {
  const trimmed = value.trim();
  if (trimmed === 'false' || trimmed === '') return false;
  // Trusting every hop let a client forge its address; one proxy is what `true` always meant.
  if (trimmed === 'true') return 1;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) > 0 ? Number(trimmed) : false;
  const addresses = trimmed.split(',').map((a) => a.trim());
  return addresses.every((a) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a)) ? addresses : undefined;
}

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
   * Behind a reverse proxy (nginx, Caddy, a load balancer): how many proxy hops to trust (`1` for
   * one nginx; `true` means 1), or the proxies' addresses (`10.0.0.2,10.0.0.3`, CIDRs allowed).
   * Client addresses for limits, and the request's scheme and host, are then read from the
   * X-Forwarded-* headers those proxies add, never from what the client itself sent. Unset or
   * `false` when clients connect directly.
   */
  PARLEY_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const trust = parseTrustProxy(value);
      if (trust === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected false, a number of proxy hops, or proxy addresses separated by commas',
        });
        return z.NEVER;
      }
      return trust;
    }),
  ...limitVariables(),
  /**
   * Enables `GET /metrics` (Prometheus) for requests that send `Authorization: Bearer <token>`.
   * Unset: there is no /metrics. At least 16 characters.
   */
  PARLEY_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS): run as one of several
   * nodes. Realtime events then reach every node's sockets, and limits and throttles are shared.
   * Needs PostgreSQL or MySQL (a SQLite file belongs to one node).
   */
  PARLEY_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://host:port')
    .optional(),
  /**
   * How often (milliseconds) an idle node looks for due jobs, expired job leases and periodic
   * jobs. A job enqueued on the same node starts at once; one from another node waits at most this.
   */
  PARLEY_JOB_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /**
   * How long (milliseconds) a running job belongs to its node. The node renews it while the job
   * runs; when a node dies, its jobs run again elsewhere (or after a restart) once it runs out.
   */
  PARLEY_JOB_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /**
   * How long (milliseconds) after an agent's last console tab closes they turn offline. A reload
   * or a short network cut reconnects sooner, so routing never sees the agent leave.
   */
  PARLEY_PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
  /**
   * `smtp://user:password@host:587` or `smtps://…:465`: invitations (and, later, password resets)
   * are emailed. Unset: the console shows invitation links to copy.
   */
  PARLEY_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port')
    .optional(),
  /** The From of those emails; unset: `Parley <parley@` and the public URL's host name `>`. */
  PARLEY_SMTP_FROM: z.string().min(3).max(320).optional(),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  /**
   * The translation provider for every organization of this server: `libretranslate`, `deepl`
   * or `openai` (any OpenAI-compatible chat-completions endpoint). Unset: each organization
   * chooses in Settings → Translation.
   */
  PARLEY_TRANSLATE_PROVIDER: z
    .enum(['libretranslate', 'deepl', 'openai'], {
      error: 'expected libretranslate, deepl or openai',
    })
    .optional(),
  /** The provider's base URL (`https://libretranslate.example`, `https://api.deepl.com`, `https://api.openai.com`). */
  PARLEY_TRANSLATE_URL: z.url().optional(),
  /** The provider's API key (LibreTranslate's `api_key`, DeepL's auth key, the OpenAI bearer key). */
  PARLEY_TRANSLATE_KEY: z.string().min(1).max(500).optional(),
  /** The chat model, for `openai` only (default gpt-4o-mini). */
  PARLEY_TRANSLATE_MODEL: z.string().min(1).max(100).optional(),
  PARLEY_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  /** Set when this is one of several nodes sharing a Redis (see PARLEY_REDIS_URL). */
  redisUrl: string | undefined;
  publicUrl: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  logLevel: string;
  /** The bearer token `GET /metrics` wants; undefined: no metrics endpoint. */
  metricsToken: string | undefined;
  trustProxy: TrustProxy;
  limits: Limits;
  /** A connection whose request headers have not all arrived by then is closed (slowloris). */
  headersTimeoutMs: number;
  /** How often live agent sockets re-check that their session still exists and has not expired. */
  sessionCheckMs: number;
  /** The job queue's poll interval and lease (see PARLEY_JOB_POLL_MS, PARLEY_JOB_LEASE_MS). */
  jobs: { pollMs: number; leaseMs: number; backoff?: { baseMs: number; maxMs: number } };
  /** How long after an agent's last console closes they turn offline (PARLEY_PRESENCE_GRACE_MS). */
  presenceGraceMs: number;
  /** Where email goes out; undefined: Parley sends none. */
  smtp?: { url: string; from: string };
  /** PARLEY_TRANSLATE_*: one provider for every organization; unset, each chooses its own. */
  translation?: TranslationConfig;
  /** How long a translation provider may take to answer (10 s; tests make it short). */
  translationTimeoutMs?: number;
}

export interface TranslationConfig {
  provider: 'libretranslate' | 'deepl' | 'openai';
  url: string;
  key: string | null;
  model: string | null;
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
  const database = databaseUrl(v.PARLEY_DATABASE_URL, dataDir);
  if (v.PARLEY_REDIS_URL && database.startsWith('sqlite:')) {
    throw new ConfigError(
      'PARLEY_REDIS_URL runs Parley as one of several nodes, which cannot share a SQLite file: ' +
        'set PARLEY_DATABASE_URL to a PostgreSQL or MySQL database (see "Running several nodes" in README.md)',
    );
  }
  const translation = translationConfig(v);
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    database: {
      url: database,
      poolSize: v.PARLEY_DATABASE_POOL_SIZE,
      statementTimeoutMs: v.PARLEY_DATABASE_STATEMENT_TIMEOUT_MS,
    },
    redisUrl: v.PARLEY_REDIS_URL,
    publicUrl: (v.PARLEY_PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    adminEmail: v.PARLEY_ADMIN_EMAIL?.toLowerCase(),
    adminPassword: v.PARLEY_ADMIN_PASSWORD,
    logLevel: v.PARLEY_LOG_LEVEL,
    metricsToken: v.PARLEY_METRICS_TOKEN,
    trustProxy: v.PARLEY_TRUST_PROXY,
    limits: limitsFrom(v as Record<string, unknown>),
    headersTimeoutMs: 10_000,
    sessionCheckMs: 30_000,
    jobs: { pollMs: v.PARLEY_JOB_POLL_MS, leaseMs: v.PARLEY_JOB_LEASE_MS },
    presenceGraceMs: v.PARLEY_PRESENCE_GRACE_MS,
    smtp: v.PARLEY_SMTP_URL
      ? {
          url: v.PARLEY_SMTP_URL,
          from:
            v.PARLEY_SMTP_FROM ??
            `Parley <parley@${new URL(v.PARLEY_PUBLIC_URL ?? 'http://localhost').hostname}>`,
        }
      : undefined,
    translation,
  };
}

function translationConfig(v: z.infer<typeof schema>): TranslationConfig | undefined {
  if (!v.PARLEY_TRANSLATE_PROVIDER) {
    if (v.PARLEY_TRANSLATE_URL || v.PARLEY_TRANSLATE_KEY || v.PARLEY_TRANSLATE_MODEL) {
      throw new ConfigError(
        'PARLEY_TRANSLATE_URL, _KEY and _MODEL need PARLEY_TRANSLATE_PROVIDER (libretranslate, deepl or openai)',
      );
    }
    return undefined;
  }
  if (!v.PARLEY_TRANSLATE_URL) {
    throw new ConfigError(
      `PARLEY_TRANSLATE_PROVIDER=${v.PARLEY_TRANSLATE_PROVIDER} needs PARLEY_TRANSLATE_URL, the provider's base URL`,
    );
  }
  if (v.PARLEY_TRANSLATE_PROVIDER !== 'libretranslate' && !v.PARLEY_TRANSLATE_KEY) {
    throw new ConfigError(
      `PARLEY_TRANSLATE_PROVIDER=${v.PARLEY_TRANSLATE_PROVIDER} needs PARLEY_TRANSLATE_KEY`,
    );
  }
  return {
    provider: v.PARLEY_TRANSLATE_PROVIDER,
    url: v.PARLEY_TRANSLATE_URL.replace(/\/+$/, ''),
    key: v.PARLEY_TRANSLATE_KEY ?? null,
    model: v.PARLEY_TRANSLATE_MODEL ?? null,
  };
}

function limitsFrom(values: Record<string, unknown>): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, key] of Object.entries(LIMIT_ENV)) {
    const value = values[name];
    if (typeof value === 'number') limits[key] = value;
  }
  return limits;
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
