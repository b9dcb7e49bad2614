import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env';

describe('PARLEY_REDIS_URL', () => {
  it('is refused with a SQLite database, which one node owns', () => {
    expect(() => loadConfig({ PARLEY_REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /cannot share a SQLite file/,
    );
    expect(
      loadConfig({
        PARLEY_REDIS_URL: 'redis://127.0.0.1:6379',
        PARLEY_DATABASE_URL: 'postgres://parley@db.internal/parley',
      }).redisUrl,
    ).toBe('redis://127.0.0.1:6379');
    expect(() => loadConfig({ PARLEY_REDIS_URL: 'http://redis' })).toThrow(/PARLEY_REDIS_URL/);
  });
});

describe('PARLEY_TRUST_PROXY and the limits', () => {
  it('takes a hop count, proxy addresses, or true meaning one hop', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PARLEY_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ PARLEY_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ PARLEY_TRUST_PROXY: '10.0.0.2, 10.1.0.0/16' }).trustProxy).toEqual([
      '10.0.0.2',
      '10.1.0.0/16',
    ]);
    expect(() => loadConfig({ PARLEY_TRUST_PROXY: 'yes please' })).toThrow(/PARLEY_TRUST_PROXY/);
  });

  it('reads each limit from its own variable', () => {
    const config = loadConfig({
      PARLEY_LIMIT_VISITOR_MESSAGES_PER_MINUTE: '30',
      PARLEY_LIMIT_SOCKET_BUFFER_BYTES: '2097152',
    });
    expect(config.limits.visitorMessagesPerMinute).toBe(30);
    expect(config.limits.socketBufferBytes).toBe(2097152);
    expect(config.limits.addressConnections).toBe(100);
    expect(() => loadConfig({ PARLEY_LIMIT_VISITOR_CONNECTIONS: '0' })).toThrow(
      /PARLEY_LIMIT_VISITOR_CONNECTIONS/,
    );
  });
});

describe('loadConfig', () => {
  it('defaults to port 8080 and a SQLite file under ./data', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.database.url).toBe(`sqlite:${path.resolve('data', 'parley.sqlite')}`);
    expect(config.publicUrl).toBe('http://localhost:8080');
  });

  it('takes SQLite, PostgreSQL and MySQL URLs', () => {
    const url = (PARLEY_DATABASE_URL: string) => loadConfig({ PARLEY_DATABASE_URL }).database.url;
    expect(url('sqlite:chat.sqlite')).toBe(`sqlite:${path.resolve('chat.sqlite')}`);
    expect(url('sqlite:///srv/chat.sqlite')).toBe('sqlite:/srv/chat.sqlite');
    expect(url('postgres://parley:pw@db:5432/parley')).toBe('postgres://parley:pw@db:5432/parley');
    expect(url('mysql://parley:pw@db/parley')).toBe('mysql://parley:pw@db/parley');
  });

  it('never repeats a password when it refuses a URL', () => {
    const refuse = () => loadConfig({ PARLEY_DATABASE_URL: 'postgres://parley:s3cret@db:5432' });
    expect(refuse).toThrow('postgres://parley:***@db:5432');
    expect(refuse).not.toThrow(/s3cret/);
  });

  it('stops on an unknown PARLEY_ setting, naming it', () => {
    expect(() => loadConfig({ PARLEY_DATABSE_URL: 'x' })).toThrow(/PARLEY_DATABSE_URL/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PARLEY_PUBLIC_URL: 'not a url' }, /PARLEY_PUBLIC_URL/],
    [{ PARLEY_ADMIN_PASSWORD: 'short' }, /at least 8/],
    [{ PARLEY_DATABASE_URL: 'oracle://x' }, /expected sqlite:.*postgres:.*mysql:/],
    [{ PARLEY_DATABASE_URL: 'postgres://db:5432' }, /names no database/],
    [{ PARLEY_DATABASE_URL: 'mysql://u:p@[::1/parley' }, /not a valid URL/],
    [{ PARLEY_DATABASE_URL: 'sqlite:' }, /sqlite:\/path/],
    [{ PARLEY_DATABASE_POOL_SIZE: '0' }, /PARLEY_DATABASE_POOL_SIZE/],
  ])('stops on a malformed value: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('PARLEY_TRANSLATE_*', () => {
  it('reads a provider, its URL, key and model', () => {
    const config = loadConfig({
      PARLEY_TRANSLATE_PROVIDER: 'deepl',
      PARLEY_TRANSLATE_URL: 'https://api.deepl.com/',
      PARLEY_TRANSLATE_KEY: 'secret',
    });
    expect(config.translation).toEqual({
      provider: 'deepl',
      url: 'https://api.deepl.com',
      key: 'secret',
      model: null,
    });
    expect(loadConfig({}).translation).toBeUndefined();
  });

  it('stops the start on an unknown provider, naming the ones it knows', () => {
    expect(() =>
      loadConfig({ PARLEY_TRANSLATE_PROVIDER: 'google', PARLEY_TRANSLATE_URL: 'https://x.test' }),
    ).toThrow(/PARLEY_TRANSLATE_PROVIDER: expected libretranslate, deepl or openai/);
  });

  it('stops the start on a provider without its URL or key, or settings without a provider', () => {
    expect(() => loadConfig({ PARLEY_TRANSLATE_PROVIDER: 'libretranslate' })).toThrow(
      /needs PARLEY_TRANSLATE_URL/,
    );
    expect(() =>
      loadConfig({ PARLEY_TRANSLATE_PROVIDER: 'openai', PARLEY_TRANSLATE_URL: 'https://x.test' }),
    ).toThrow(/needs PARLEY_TRANSLATE_KEY/);
    expect(() => loadConfig({ PARLEY_TRANSLATE_KEY: 'k' })).toThrow(
      /need PARLEY_TRANSLATE_PROVIDER/,
    );
    expect(() =>
      loadConfig({ PARLEY_TRANSLATE_PROVIDER: 'deepl', PARLEY_TRANSLATE_URL: 'not a url' }),
    ).toThrow(/PARLEY_TRANSLATE_URL/);
  });
});
