import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchInbox } from '../api/inbox';
import { useInboxStore, VIEWING_TIMEOUT_MS } from './inbox';
import { aConversation } from './test-factories';

vi.mock('../api/inbox', () => ({ fetchInbox: vi.fn() }));
const fetchMock = vi.mocked(fetchInbox);

beforeEach(() => {
  setActivePinia(createPinia());
  fetchMock.mockReset();
});

describe('inbox tabs', () => {
  it('shows All where the agent has it, else Mine, and filters by assignee', async () => {
    const inbox = useInboxStore();
    fetchMock.mockResolvedValue({ views: ['mine', 'unassigned'], agents: [] });
    await inbox.load();
    expect(inbox.view).toBe('mine');
    const mine = aConversation({ id: 'a', assigneeId: 'me' });
    const queued = aConversation({ id: 'b', assigneeId: null });
    expect([mine, queued].filter((c) => inbox.inView(c, 'me')).map((c) => c.id)).toEqual(['a']);
    inbox.activeView = 'unassigned';
    expect([mine, queued].filter((c) => inbox.inView(c, 'me')).map((c) => c.id)).toEqual(['b']);

    fetchMock.mockResolvedValue({ views: ['mine', 'unassigned', 'all'], agents: [] });
    inbox.activeView = null;
    await inbox.load();
    expect(inbox.view).toBe('all');
  });
});

describe('collision', () => {
  it('names colleagues viewing or typing, and forgets a viewer that stops repeating itself', () => {
    const inbox = useInboxStore();
    const at = Date.now();
    const report = (agentName: string, activity: 'viewing' | 'typing', active: boolean) =>
      inbox.report({ conversationId: 'c1', agentId: agentName, agentName, activity, active });
    report('Ana', 'viewing', true);
    report('Bo', 'viewing', true);
    report('Bo', 'typing', true);
    expect(inbox.colleaguesIn('c1', at)).toEqual({ viewing: ['Ana'], typing: ['Bo'] });
    report('Bo', 'typing', false);
    report('Ana', 'viewing', false);
    expect(inbox.colleaguesIn('c1', at)).toEqual({ viewing: ['Bo'], typing: [] });
    expect(inbox.colleaguesIn('c1', Date.now() + VIEWING_TIMEOUT_MS)).toEqual({
      viewing: [],
      typing: [],
    });
  });
});
