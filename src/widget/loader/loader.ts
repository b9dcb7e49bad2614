/**
 * The embed script: `<script src="https://HOST/widget.js" data-site="SITE_KEY" async>`.
 * It runs on every page of the customer's site, so it only draws the launcher; the chat
 * itself loads in an iframe on first open.
 */
import { embedCheck } from './embed-check';
import { mountLauncher } from './launcher';
import type { InvitationOffer } from '../../protocol/visitor-schemas';
import { dismissInvitation, showInvitation } from './invitation';
import { createPublicApi, installPublicApi } from './public-api';
import { createTracker } from './tracker';
import { identityStore } from './visitor-identity';
import { preferredLanguages } from '../i18n/translator';

function findEmbedScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.site) return current;
  // Some tag managers run scripts in a way that leaves currentScript null. Other vendors' embeds
  // use data-site too (Fathom Analytics does), so only a script whose path is /widget.js counts.
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[data-site][src]')) {
    if (/\/widget\.js(?:[?#]|$)/.test(script.src)) return script;
  }
  return null;
}

declare global {
  interface Window {
    /** Set by the first embed snippet to run: one pasted twice must not draw two launchers. */
    parleyLoaded?: boolean;
  }
}

const script = findEmbedScript();
const siteKey = script?.dataset.site;
// A flag, not a look for our element: until the page is parsed, that is not in the document.
if (script && siteKey && !window.parleyLoaded) {
  window.parleyLoaded = true;
  const parleyOrigin = new URL(script.src).origin;
  const identity = identityStore(siteKey, parleyOrigin);
  const publicApi = createPublicApi({ siteKey, parleyOrigin, identity });
  installPublicApi(publicApi.api);
  // The page's Parley.setLanguage first, then the browser's languages: the server picks.
  const ask = (language?: string) =>
    embedCheck(siteKey, parleyOrigin, [...(language ? [language] : []), ...preferredLanguages()]);
  void ask(publicApi.language()).then(({ allowed, widget, tracking, language }) => {
    if (!allowed) return;
    const launcher = mountLauncher(siteKey, parleyOrigin, identity, widget, publicApi.events, {
      language,
      ask,
    });
    const invite = (offer: InvitationOffer): void =>
      showInvitation(offer, {
        onDismiss: () => {
          const visitor = identity.current();
          if (visitor) dismissInvitation(parleyOrigin, siteKey, visitor, offer.id);
        },
      });
    const tracker = createTracker(siteKey, parleyOrigin, identity, tracking, invite);
    publicApi.attach(launcher, tracker);
  });
}
