import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env';

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
