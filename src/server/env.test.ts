import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env';

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
    expect(config.sqliteFile).toBe(path.resolve('data', 'parley.sqlite'));
    expect(config.publicUrl).toBe('http://localhost:8080');
  });

  it('stops on an unknown PARLEY_ setting, naming it', () => {
    expect(() => loadConfig({ PARLEY_DATABSE_URL: 'x' })).toThrow(/PARLEY_DATABSE_URL/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PARLEY_PUBLIC_URL: 'not a url' }, /PARLEY_PUBLIC_URL/],
    [{ PARLEY_ADMIN_PASSWORD: 'short' }, /at least 8/],
    [{ PARLEY_DATABASE_URL: 'postgres://localhost/parley' }, /not supported yet/],
    [{ PARLEY_DATABASE_URL: 'oracle://x' }, /sqlite:/],
  ])('stops on a malformed value: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
