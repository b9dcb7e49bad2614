import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import { useSessionStore } from './stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** Only for owners and admins; others land in the inbox. */
    admin?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/SignInView.vue'),
      meta: { public: true },
    },
    {
      path: '/',
      component: () => import('./views/InboxView.vue'),
      children: [
        { path: '', name: 'inbox', component: () => import('./views/NoConversationView.vue') },
        {
          path: 'conversations/:id',
          name: 'conversation',
          component: () => import('./views/ConversationView.vue'),
          props: true,
        },
      ],
    },
    {
      path: '/embedding',
      name: 'embedding',
      component: () => import('./views/EmbeddingView.vue'),
      meta: { admin: true },
    },
    { path: '/:unknown(.*)*', redirect: { name: 'inbox' } },
  ],
});

router.beforeEach(async (to): Promise<true | RouteLocationRaw> => {
  const session = useSessionStore();
  // If the server cannot be reached we cannot know; the sign-in page then says what is wrong.
  const signedIn = await session.ensureChecked().then(
    () => session.me !== null,
    () => false,
  );
  if (to.meta.public) return signedIn ? { name: 'inbox' } : true;
  if (signedIn) return to.meta.admin && !session.isAdmin ? { name: 'inbox' } : true;
  return to.fullPath === '/'
    ? { name: 'login' }
    : { name: 'login', query: { redirect: to.fullPath } };
});
