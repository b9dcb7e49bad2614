import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ColleagueActivity } from '../../protocol/inbox-schemas';
import type { Conversation, InboxView } from '../../protocol/schemas';
import { fetchInbox } from '../api/inbox';

/**
 * A colleague's "viewing" lasts this long without news: consoles repeat it while the conversation
 * stays open, so one whose socket died (or whose node did) fades out.
 */
export const VIEWING_TIMEOUT_MS = 60_000;
/** How often the console repeats that it is viewing a conversation. */
export const VIEWING_REPEAT_MS = 25_000;
/** A colleague's "typing" lasts this long without news. */
const TYPING_TIMEOUT_MS = 8_000;

interface Colleague {
  name: string;
  viewing: boolean;
  typing: boolean;
  /** When the latest report came, from `Date.now()`. */
  viewingSince: number;
  typingSince: number;
}

/**
 * The agent's inbox around the conversation list: the role tabs (Mine, Unassigned, All), the
 * names of colleagues, who else is viewing or typing in each conversation, and visitors' drafts.
 */
export const useInboxStore = defineStore('inbox', () => {
  const views = ref<InboxView[]>(['mine', 'unassigned']);
  const names = ref<Record<string, string>>({});
  const activeView = ref<InboxView | null>(null);
  const activity = ref<Record<string, Record<string, Colleague>>>({});
  const drafts = ref<Record<string, string>>({});

  /**
   * The tab shown: the one picked, else All where there is one (everything, as before), else
   * Mine: what routing gave the agent (a chat waiting in Unassigned soon moves there).
   */
  const view = computed<InboxView>(
    () => activeView.value ?? (views.value.includes('all') ? 'all' : 'mine'),
  );

  async function load(): Promise<void> {
    const inbox = await fetchInbox();
    views.value = inbox.views;
    names.value = Object.fromEntries(inbox.agents.map((a) => [a.id, a.name]));
    if (activeView.value !== null && !inbox.views.includes(activeView.value))
      activeView.value = null;
  }

  /** Whether a conversation belongs in the shown tab, for the agent `meId`. */
  function inView(conversation: Conversation, meId: string | undefined): boolean {
    if (view.value === 'mine') return conversation.assigneeId === meId;
    if (view.value === 'unassigned') return conversation.assigneeId === null;
    return true;
  }

  function report(event: ColleagueActivity): void {
    const byAgent = (activity.value[event.conversationId] ??= {});
    const at = Date.now();
    const colleague = (byAgent[event.agentId] ??= {
      name: event.agentName,
      viewing: false,
      typing: false,
      viewingSince: at,
      typingSince: at,
    });
    if (event.activity === 'viewing') {
      colleague.viewing = event.active;
      colleague.viewingSince = at;
    } else {
      colleague.typing = event.active;
      colleague.typingSince = at;
    }
  }

  /** Colleagues viewing and typing in a conversation at `now`, by name. */
  function colleaguesIn(
    conversationId: string,
    now: number,
  ): { viewing: string[]; typing: string[] } {
    const all = Object.values(activity.value[conversationId] ?? {});
    const fresh = (since: number, timeout: number) => now - since < timeout;
    return {
      typing: all
        .filter((c) => c.typing && fresh(c.typingSince, TYPING_TIMEOUT_MS))
        .map((c) => c.name),
      viewing: all
        .filter((c) => c.viewing && !c.typing && fresh(c.viewingSince, VIEWING_TIMEOUT_MS))
        .map((c) => c.name),
    };
  }

  function setDraft(conversationId: string, text: string): void {
    if (text === '') delete drafts.value[conversationId];
    else drafts.value[conversationId] = text;
  }

  return {
    views,
    names,
    activeView,
    view,
    drafts,
    load,
    inView,
    report,
    colleaguesIn,
    setDraft,
  };
});
