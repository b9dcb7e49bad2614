import type {
  CreateDepartmentBody,
  Department,
  UpdateDepartmentBody,
  AgentRoutingBody,
} from '../../protocol/department-schemas';
import type { RoutingSettings } from '../../protocol/routing-schemas';
import type { TeamMember } from '../../protocol/settings-schemas';
import { requestJson } from './http';

type DepartmentReply = { department: Department };

export const listDepartments = async () =>
  (await requestJson<{ departments: Department[] }>('GET', '/api/v1/departments')).departments;
export const createDepartment = async (body: CreateDepartmentBody) =>
  (await requestJson<DepartmentReply>('POST', '/api/v1/departments', { body })).department;
export const updateDepartment = async (id: string, body: UpdateDepartmentBody) =>
  (await requestJson<DepartmentReply>('PATCH', `/api/v1/departments/${id}`, { body })).department;
export const deleteDepartment = (id: string) =>
  requestJson<null>('DELETE', `/api/v1/departments/${id}`);
export const setMember = async (id: string, agentId: string, member: boolean) =>
  (
    await requestJson<DepartmentReply>(
      member ? 'PUT' : 'DELETE',
      `/api/v1/departments/${id}/members/${agentId}`,
    )
  ).department;

export const fetchRoutingSettings = async () =>
  (await requestJson<{ routing: RoutingSettings }>('GET', '/api/v1/organization/routing')).routing;
export const saveRoutingSettings = async (body: RoutingSettings) =>
  (await requestJson<{ routing: RoutingSettings }>('PUT', '/api/v1/organization/routing', { body }))
    .routing;

export const changeAgentRouting = async (id: string, body: AgentRoutingBody) =>
  (
    await requestJson<{ agent: TeamMember }>('PATCH', `/api/v1/team/agents/${id}/routing`, {
      body,
    })
  ).agent;
