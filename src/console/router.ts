import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import { useSessionStore } from './stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** Public, and also shown to a signed-in agent instead of sending them to the inbox. */
    anyone?: boolean;
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
      // Reachable signed in or not: whoever opens an invitation link is about to be someone new.
      path: '/join',
      name: 'join',
      component: () => import('./views/JoinView.vue'),
      meta: { public: true, anyone: true },
    },
    {
      path: '/reset',
      name: 'reset',
      component: () => import('./views/ResetPasswordView.vue'),
      meta: { public: true, anyone: true },
    },
    {
      path: '/settings',
      component: () => import('./views/SettingsView.vue'),
      children: [
        { path: '', name: 'settings', redirect: { name: 'settings-profile' } },
        {
          path: 'sites',
          name: 'settings-sites',
          component: () => import('./views/settings/SitesSettings.vue'),
        },
        {
          path: 'team',
          name: 'settings-team',
          component: () => import('./views/settings/TeamSettings.vue'),
        },
        {
          path: 'departments',
          name: 'settings-departments',
          component: () => import('./views/settings/DepartmentsSettings.vue'),
        },
        {
          path: 'organization',
          name: 'settings-organization',
          component: () => import('./views/settings/OrganizationSettings.vue'),
        },
        {
          path: 'translation',
          name: 'settings-translation',
          component: () => import('./views/settings/TranslationSettings.vue'),
        },
        {
          path: 'profile',
          name: 'settings-profile',
          component: () => import('./views/settings/ProfileSettings.vue'),
        },
      ],
    },
    {
      path: '/visitors',
      name: 'visitors',
      component: () => import('./views/VisitorsView.vue'),
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
  if (to.meta.anyone) return true;
  if (to.meta.public) return signedIn ? { name: 'inbox' } : true;
  // Held to setting up two-factor sign-in, which their organization requires.
  if (signedIn && session.twoFactorSetupRequired && to.name !== 'settings-profile') {
    return { name: 'settings-profile' };
  }
  if (signedIn) return true;
  return to.fullPath === '/'
    ? { name: 'login' }
    : { name: 'login', query: { redirect: to.fullPath } };
});
