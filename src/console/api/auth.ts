import type { Agent } from '../../protocol/schemas';
import { requestJson } from './http';
import { RequestError } from './request-error';

export async function signIn(email: string, password: string, code?: string): Promise<Agent> {
  const { agent } = await requestJson<{ agent: Agent }>('POST', '/api/v1/auth/login', {
    body: { email, password, ...(code ? { code } : {}) },
    unauthorizedIsExpected: true,
  });
  return agent;
}

export async function signOut(): Promise<void> {
  await requestJson<null>('POST', '/api/v1/auth/logout');
}

/** `GET /api/v1/me`: the agent, and where they stand with two-factor sign-in. */
export interface CurrentAgent extends AgentLanguages {
  agent: Agent;
  twoFactorSetupRequired: boolean;
  twoFactorEnabled: boolean;
}

/** The console language the agent picked (null: the browser's), and the languages they speak. */
export interface AgentLanguages {
  locale: string | null;
  languages: string[];
}

/** `PATCH /api/v1/me` with a new console language and/or the languages the agent speaks. */
export async function saveAgentLanguages(
  changes: Partial<AgentLanguages>,
): Promise<AgentLanguages & { agent: Agent }> {
  return requestJson('PATCH', '/api/v1/me', { body: changes });
}

/** The signed-in agent, or null when there is no valid session. */
export async function fetchCurrentAgent(): Promise<CurrentAgent | null> {
  try {
    return await requestJson<CurrentAgent>('GET', '/api/v1/me', { unauthorizedIsExpected: true });
  } catch (error) {
    if (error instanceof RequestError && error.code === 'unauthorized') return null;
    throw error;
  }
}

/** Whether a lost password can be recovered by email here (SMTP is set up). */
export async function recoveryByEmail(): Promise<boolean> {
  return (await requestJson<{ byEmail: boolean }>('GET', '/api/v1/auth/recovery')).byEmail;
}

export async function requestPasswordReset(email: string): Promise<void> {
  await requestJson<unknown>('POST', '/api/v1/auth/forgot', {
    body: { email },
    unauthorizedIsExpected: true,
  });
}

export async function resetPassword(token: string, password: string): Promise<void> {
  await requestJson<null>('POST', '/api/v1/auth/reset', {
    body: { token, password },
    unauthorizedIsExpected: true,
  });
}
