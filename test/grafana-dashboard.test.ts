import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server';

/**
 * deploy/grafana/parley.json queries only what a Parley node really exports: a renamed metric
 * would otherwise leave an operator with empty panels and no error anywhere.
 */
const DASHBOARD = path.resolve(import.meta.dirname, '../deploy/grafana/parley.json');
const TOKEN = 'grafana-dashboard-test-token';

interface Target {
  expr: string;
  legendFormat: string;
  refId: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; definition?: string }[] };
}

let server: TestServer;
let dashboard: Dashboard;

beforeAll(async () => {
  server = await startServer(undefined, { metricsToken: TOKEN });
  dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;
});

afterAll(async () => {
  await server.close();
});

/** Every series name the node's /metrics can carry, histogram and summary series included. */
async function exportedSeries(): Promise<Set<string>> {
  const response = await server.parley.http.inject({
    url: '/metrics',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(response.statusCode).toBe(200);
  const names = new Set<string>();
  for (const [, name = '', type] of response.body.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    names.add(name);
    if (type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const queries = (): string[] => [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ...dashboard.templating.list.flatMap((variable) => variable.definition ?? []),
];

describe('the sample Grafana dashboard', () => {
  it('queries only metrics a node exports', async () => {
    const exported = await exportedSeries();
    const used = new Set(queries().flatMap((expr) => expr.match(/\bparley_\w+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('draws every graph per node, by the instance label, and filters by the chosen nodes', () => {
    const graphs = dashboard.panels.filter((panel) => panel.type === 'timeseries');
    expect(graphs.length).toBeGreaterThan(5);
    const notPerNode = graphs.flatMap(({ title, targets = [] }) =>
      targets
        .filter(
          ({ expr, legendFormat }) =>
            !legendFormat.includes('{{instance}}') ||
            // An aggregation that drops the label would sum the nodes into one line.
            (/\b(sum|max|min|avg|count)\b/.test(expr) && !/\bby \(instance\b/.test(expr)),
        )
        .map(({ expr }) => `${title}: ${expr}`),
    );
    expect(notPerNode).toEqual([]);
    for (const expr of queries().filter((query) => !query.startsWith('label_values'))) {
      expect(expr).toContain('instance=~"$instance"');
    }
  });

  it('has unique panel ids and one refId per query', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { targets = [] } of dashboard.panels) {
      const refIds = targets.map((target) => target.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });
});
