import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/helpers/server';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

interface Operation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

describe('the API document', () => {
  it('is valid OpenAPI 3.1 and lists every /api/v1 route with its schemas', async () => {
    server = await startServer();
    const parley = server.parley;
    const res = await parley.http.inject('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const document = res.json<{
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown> };
    }>();

    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');

    const routes = parley.http.apiRoutes;
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const { method, url } of routes) {
      const path = url.replace(/:(\w+)/g, '{$1}');
      const operation = document.paths[path]?.[method.toLowerCase()];
      expect(operation, `${method} ${url}`).toBeDefined();
      const success = Object.entries(operation!.responses).find(([status]) => /^2/.test(status));
      expect(success, `${method} ${url} has a success response`).toBeDefined();
      expect(operation!.responses['4XX'] ?? operation!.responses['4xx']).toBeDefined();
      if (url.includes(':')) expect(operation!.parameters, `${method} ${url}`).toBeDefined();
      // Actions without input: sign-out, resolve, claim, take over, join, deactivate, 2FA setup, accept,
      // a new identity secret.
      if (
        method === 'POST' &&
        !/\/(logout|resolve|claim|take-over|join|deactivate|setup|accept|secret)$/.test(url)
      ) {
        expect(operation!.requestBody, `${method} ${url} has a body`).toBeDefined();
      }
    }
    for (const entity of ['Message', 'Conversation', 'ConversationPage', 'Agent', 'Error']) {
      expect(document.components.schemas).toHaveProperty(entity);
    }
  });

  it('is rendered at /api/docs', async () => {
    server = await startServer();
    const res = await server.parley.http.inject('/api/docs/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/swagger/i);
  });
});
