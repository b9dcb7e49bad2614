import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  connectAgent,
  connectVisitor,
  createVisitor,
  login,
  nextEvent,
  request,
  type VisitorCredentials,
} from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { startServer, type TestServer } from '../../../../test/helpers/server';
import type { Department } from '../../../protocol/department-schemas';
import type { RoutingSettings } from '../../../protocol/routing-schemas';
import { ROUTING_DEFAULTS } from '../../../protocol/settings';
import type { SiteSettings, TeamMember, WidgetConfig } from '../../../protocol/settings-schemas';
import { departmentForNewConversation } from './department-choice';

const PASSWORD = 'a long enough password';
let server: TestServer;
let owner: string;
let agent: string;
let agentId: string;
let orgId: string;
let siteId: string;
let other: { cookie: string; orgId: string; agentId: string; departmentId: string };

beforeAll(async () => {
  server = await startServer();
  const db = server.parley.db;
  owner = await login(server);
  orgId = (await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
  siteId = (await db.selectFrom('sites').select('id').executeTakeFirstOrThrow()).id;
  agentId = await createAgent(db, orgId, {
    email: 'ag@shop.test',
    password: PASSWORD,
    role: 'agent',
  });
  agent = await login(server, { email: 'ag@shop.test', password: PASSWORD });
  const theirs = await createOrganization(
    db,
    'other',
    { email: 'boss@other.test', password: PASSWORD },
    'https://other.test',
  );
  const cookie = await login(server, { email: 'boss@other.test', password: PASSWORD });
  const theirAgent = await db
    .selectFrom('agents')
    .select('id')
    .where('org_id', '=', theirs.orgId)
    .executeTakeFirstOrThrow();
  const { body } = await api<{ department: Department }>(
    server,
    cookie,
    'POST',
    '/api/v1/departments',
    {
      name: 'Their sales',
    },
  );
  other = { cookie, orgId: theirs.orgId, agentId: theirAgent.id, departmentId: body.department.id };
});
afterAll(() => server.close());

const create = (name: string, strategy?: string, cookie = owner) =>
  api<{ department: Department }>(server, cookie, 'POST', '/api/v1/departments', {
    name,
    ...(strategy === undefined ? {} : { strategy }),
  });
const newDepartment = async (name = `Dept ${randomUUID().slice(0, 8)}`) =>
  (await create(name)).body.department;
const list = async (cookie = owner) =>
  (await api<{ departments: Department[] }>(server, cookie, 'GET', '/api/v1/departments')).body
    .departments;
const addMember = (departmentId: string, member: string, cookie = owner) =>
  api<{ department: Department }>(
    server,
    cookie,
    'PUT',
    `/api/v1/departments/${departmentId}/members/${member}`,
  );

describe('departments', () => {
  it('are added, renamed, given a strategy and deleted, and every console hears of it', async () => {
    const socket = await connectAgent(server, agent);
    const heard = nextEvent(socket, 'departments:changed');
    const created = await create('Billing');
    expect(created.status).toBe(201);
    expect(created.body.department).toMatchObject({
      name: 'Billing',
      strategy: 'round_robin',
      memberIds: [],
    });
    await heard;
    socket.close();
    const { id } = created.body.department;

    const renamed = await api(server, owner, 'PATCH', `/api/v1/departments/${id}`, {
      name: '  Invoices ',
      strategy: 'least_busy',
    });
    expect(renamed.body).toMatchObject({
      department: { name: 'Invoices', strategy: 'least_busy' },
    });
    expect(await list()).toContainEqual({
      id,
      name: 'Invoices',
      strategy: 'least_busy',
      memberIds: [],
    });

    expect((await api(server, owner, 'DELETE', `/api/v1/departments/${id}`)).status).toBe(204);
    expect((await list()).map((d) => d.id)).not.toContain(id);
    // Kept for the conversations that name it.
    const row = await server.parley.db
      .selectFrom('departments')
      .select('deleted_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    const again = await api(server, owner, 'PATCH', `/api/v1/departments/${id}`, { name: 'Back' });
    expect([again.status, codeOf(again)]).toEqual([404, 'not_found']);
    // Its name is free again.
    expect((await create('Invoices')).status).toBe(201);
  });

  it('refuses an empty, too long or taken name and an unknown strategy, changing nothing', async () => {
    await create('Support');
    const before = await list();
    for (const [body, status, code] of [
      [{ name: '   ' }, 400, 'invalid_payload'],
      [{ name: 'x'.repeat(101) }, 400, 'invalid_payload'],
      [{ name: 'SUPPORT' }, 409, 'department_name_taken'],
      [{ name: 'Sales', strategy: 'random' }, 400, 'invalid_payload'],
    ] as const) {
      const res = await api(server, owner, 'POST', '/api/v1/departments', body);
      expect([res.status, codeOf(res)], JSON.stringify(body)).toEqual([status, code]);
    }
    const other = await newDepartment();
    const taken = await api(server, owner, 'PATCH', `/api/v1/departments/${other.id}`, {
      name: 'support',
    });
    expect([taken.status, codeOf(taken)]).toEqual([409, 'department_name_taken']);
    expect(await list()).toEqual([...before, other].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('gives two admins naming one at the same moment one department and one refusal', async () => {
    const results = await Promise.all([create('Racing'), create('Racing')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await list()).filter((d) => d.name === 'Racing')).toHaveLength(1);
  });

  it('takes members: active agents of the organization, each once', async () => {
    const department = await newDepartment();
    expect((await addMember(department.id, agentId)).body.department.memberIds).toEqual([agentId]);
    expect((await addMember(department.id, agentId)).body.department.memberIds).toEqual([agentId]);

    const theirs = await addMember(department.id, other.agentId);
    expect([theirs.status, codeOf(theirs)]).toEqual([404, 'not_found']);
    const leaving = await createAgent(server.parley.db, orgId, {
      email: `leaving-${randomUUID()}@shop.test`,
      password: PASSWORD,
      role: 'agent',
    });
    await api(server, owner, 'POST', `/api/v1/team/agents/${leaving}/deactivate`);
    const deactivated = await addMember(department.id, leaving);
    expect([deactivated.status, codeOf(deactivated)]).toEqual([409, 'agent_deactivated']);

    const removed = await api<{ department: Department }>(
      server,
      owner,
      'DELETE',
      `/api/v1/departments/${department.id}/members/${agentId}`,
    );
    expect(removed.body.department.memberIds).toEqual([]);
    const notMember = await api(
      server,
      owner,
      'DELETE',
      `/api/v1/departments/${department.id}/members/${agentId}`,
    );
    expect([notMember.status, codeOf(notMember)]).toEqual([404, 'not_found']);
  });

  it('shows agents names only, and lets only owners and admins change anything', async () => {
    const department = await newDepartment();
    await addMember(department.id, agentId);
    expect(await list(agent)).toContainEqual({ id: department.id, name: department.name });
    expect(JSON.stringify(await list(agent))).not.toContain('memberIds');
    for (const [method, path, body] of [
      ['POST', '/api/v1/departments', { name: 'Mine' }],
      ['PATCH', `/api/v1/departments/${department.id}`, { name: 'Mine' }],
      ['DELETE', `/api/v1/departments/${department.id}`],
      ['PUT', `/api/v1/departments/${department.id}/members/${agentId}`],
      ['DELETE', `/api/v1/departments/${department.id}/members/${agentId}`],
      ['PUT', '/api/v1/organization/routing', ROUTING_DEFAULTS],
      ['PATCH', `/api/v1/team/agents/${agentId}/routing`, { maxChats: 9 }],
    ] as const) {
      const res = await api(server, agent, method, path, body);
      expect([res.status, codeOf(res)], `${method} ${path}`).toEqual([403, 'forbidden']);
    }
    expect(await list()).toContainEqual({ ...department, memberIds: [agentId] });
  });

  it("answers not_found for another organization's department, and lists only its own", async () => {
    const ours = await newDepartment();
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/departments/${ours.id}`, { name: 'Taken over' }],
      ['DELETE', `/api/v1/departments/${ours.id}`],
      ['PUT', `/api/v1/departments/${ours.id}/members/${other.agentId}`],
    ] as const) {
      const res = await api(server, other.cookie, method, path, body);
      expect([res.status, codeOf(res)], `${method} ${path}`).toEqual([404, 'not_found']);
    }
    const theirs = await addMember(other.departmentId, agentId);
    expect([theirs.status, codeOf(theirs)]).toEqual([404, 'not_found']);
    expect((await list(other.cookie)).map((d) => d.name)).toEqual(['Their sales']);
    expect(await list()).toContainEqual(ours);
  });
});

describe('routing settings', () => {
  const url = '/api/v1/organization/routing';
  const get = async (cookie = owner) =>
    (await api<{ routing: RoutingSettings }>(server, cookie, 'GET', url)).body.routing;

  it('start at the defaults, are replaced whole by admins and read by every agent', async () => {
    expect(await get(other.cookie)).toEqual(ROUTING_DEFAULTS);
    const changed = {
      autoAcceptTransfers: true,
      transferTimeoutSeconds: 60,
      awayAfterMinutes: 5,
      autoResolveHours: 0,
      agentsSeeAll: true,
    };
    expect((await api(server, owner, 'PUT', url, changed)).body).toEqual({ routing: changed });
    expect(await get(agent)).toEqual(changed);
    expect(await get(other.cookie)).toEqual(ROUTING_DEFAULTS);
  });

  it('refuses values out of range, missing or unknown fields, changing nothing', async () => {
    const before = await get();
    for (const body of [
      { ...before, transferTimeoutSeconds: 5 },
      { ...before, awayAfterMinutes: 0 },
      { ...before, autoResolveHours: -1 },
      { ...before, agentsSeeAll: 'yes' },
      { autoAcceptTransfers: true },
      { ...before, surprise: 1 },
    ]) {
      const res = await api(server, owner, 'PUT', url, body);
      expect([res.status, codeOf(res)], JSON.stringify(body)).toEqual([400, 'invalid_payload']);
    }
    expect(await get()).toEqual(before);
  });
});

describe("an agent's capacity and languages", () => {
  const change = (id: string, body: unknown, cookie = owner) =>
    api<{ agent: TeamMember }>(server, cookie, 'PATCH', `/api/v1/team/agents/${id}/routing`, body);

  it('are set by admins, languages as canonical BCP 47 tags, and shown in the team', async () => {
    const res = await change(agentId, { maxChats: 12, languages: ['pt-br', 'en', 'EN'] });
    expect(res.body.agent).toMatchObject({ maxChats: 12, languages: ['pt-BR', 'en'] });
    expect((await change(agentId, { maxChats: 3 })).body.agent.languages).toEqual(['pt-BR', 'en']);
    const { body } = await api<{ members: TeamMember[] }>(server, owner, 'GET', '/api/v1/team');
    expect(body.members.find((m) => m.id === agentId)).toMatchObject({
      maxChats: 3,
      languages: ['pt-BR', 'en'],
    });
  });

  it('refuses a capacity outside 1..50, a non-language and another organization’s agent', async () => {
    for (const body of [{ maxChats: 0 }, { maxChats: 51 }, { languages: ['not a tag!'] }]) {
      const res = await change(agentId, body);
      expect([res.status, codeOf(res)], JSON.stringify(body)).toEqual([400, 'invalid_payload']);
    }
    const theirs = await change(other.agentId, { maxChats: 2 });
    expect([theirs.status, codeOf(theirs)]).toEqual([404, 'not_found']);
  });
});

describe("a site's departments and the visitor's choice", () => {
  const patchSite = (body: unknown, cookie = owner, id = siteId) =>
    api<{ site: SiteSettings }>(server, cookie, 'PATCH', `/api/v1/sites/${id}`, body);
  const offer = (departments: string[]) =>
    patchSite({ widget: { preChat: { name: 'off', email: 'off', departments } } });
  const identity = (visitor: VisitorCredentials) => ({
    id: visitor.visitorId,
    orgId,
    siteId,
  });
  const chooseAs = async (visitor: VisitorCredentials, departmentId: string | null) => {
    const widget = await connectVisitor(server, visitor);
    try {
      return await request(widget, 'visitor:identify', { departmentId });
    } finally {
      widget.close();
    }
  };
  const departmentFor = (visitor: VisitorCredentials) =>
    departmentForNewConversation(server.parley.db, identity(visitor));

  it('a default department and the departments offered must be the organization’s own', async () => {
    const sales = await newDepartment();
    const res = await patchSite({ defaultDepartmentId: sales.id });
    expect(res.body.site.defaultDepartmentId).toBe(sales.id);
    for (const body of [
      { defaultDepartmentId: other.departmentId },
      { widget: { preChat: { name: 'off', email: 'off', departments: [other.departmentId] } } },
    ]) {
      const refused = await patchSite(body);
      expect([refused.status, codeOf(refused)]).toEqual([404, 'not_found']);
    }
    // Offered once however often listed; a change of the form's fields alone keeps them.
    await offer([sales.id, sales.id]);
    const kept = await patchSite({ widget: { preChat: { name: 'required', email: 'off' } } });
    expect(kept.body.site.widget.preChat).toEqual({
      name: 'required',
      email: 'off',
      departments: [sales.id],
    });
    await patchSite({
      defaultDepartmentId: null,
      widget: { preChat: { name: 'off', email: 'off' } },
    });
  });

  it('the widget is offered their names; a visitor picks one and the new conversation goes there', async () => {
    const [sales, support] = [await newDepartment('Sales desk'), await newDepartment('Help desk')];
    await offer([support.id, sales.id]);
    await patchSite({ defaultDepartmentId: support.id });
    const config = await fetch(`${server.url}/api/v1/widget/sites/${server.widgetKey}/config`);
    expect(((await config.json()) as WidgetConfig).departments).toEqual([
      { id: support.id, name: 'Help desk' },
      { id: sales.id, name: 'Sales desk' },
    ]);

    const visitor = await createVisitor(server);
    expect(await departmentFor(visitor)).toBe(support.id);
    expect(await chooseAs(visitor, sales.id)).toMatchObject({ ok: true });
    expect(await departmentFor(visitor)).toBe(sales.id);

    // No longer offered: back to the default; deleted as well: no department at all.
    await offer([support.id]);
    expect(await departmentFor(visitor)).toBe(support.id);
    await api(server, owner, 'DELETE', `/api/v1/departments/${support.id}`);
    expect(await departmentFor(visitor)).toBeNull();
    const { body } = await api<{ site: SiteSettings }>(
      server,
      owner,
      'GET',
      `/api/v1/sites/${siteId}`,
    );
    expect(body.site.defaultDepartmentId).toBeNull();
    expect(body.site.widget.preChat.departments).toEqual([]);
  });

  it('refuses a visitor a department not offered, deleted or of another organization', async () => {
    const [offered, hidden] = [await newDepartment(), await newDepartment()];
    await offer([offered.id]);
    const visitor = await createVisitor(server);
    expect(await chooseAs(visitor, offered.id)).toMatchObject({ ok: true });
    for (const departmentId of [hidden.id, other.departmentId, randomUUID(), 'x'.repeat(65)]) {
      const ack = await chooseAs(visitor, departmentId);
      const code = departmentId.length > 64 ? 'invalid_payload' : 'not_found';
      expect(ack, departmentId).toMatchObject({ ok: false, error: { code } });
    }
    expect(await departmentFor(visitor)).toBe(offered.id);
    expect(await chooseAs(visitor, null)).toMatchObject({ ok: true });
    expect(await departmentFor(visitor)).toBeNull();
  });
});
