/** Why the console left for the sign-in page, which says so. */
export type SignOutReason = 'expired' | 'elsewhere';

/** Set by a tab of this browser that signs out, so that its other tabs can say why they left. */
const SIGNED_OUT_KEY = 'parley:signed-out-at';
/** A sign-out this recent explains a session that just ended. */
const RECENT_MS = 30_000;

let leaving = false;

/**
 * Leaves the app for the sign-in page with a full page load, so nothing of this session
 * (stores, socket, timers) outlives it. With `returnHere` (an expired session, not a sign-out),
 * the current place comes back after signing in, and the sign-in page says why. The first call
 * wins: a socket refusal and a REST 401 may both report the same ended session.
 */
export function leaveForSignIn({ returnHere }: { returnHere: boolean }): void {
  if (leaving) return;
  leaving = true;
  const base = import.meta.env.BASE_URL;
  const { pathname } = window.location;
  const here = pathname.startsWith(base) ? `/${pathname.slice(base.length)}` : '/';
  const query = new URLSearchParams();
  if (returnHere) {
    if (here !== '/' && here !== '/login') query.set('redirect', here);
    query.set('reason', signedOutElsewhere() ? 'elsewhere' : 'expired');
  }
  const search = query.size > 0 ? `?${query}` : '';
  window.location.replace(`${base}login${search}`);
}

/**
 * The organization requires two-factor sign-in and this agent has none: Profile, with a full page
 * load (the session store learns it afresh there), which says why. Nothing when already there.
 */
export function leaveForTwoFactorSetup(): void {
  const target = `${import.meta.env.BASE_URL}settings/profile`;
  if (leaving || window.location.pathname === target) return;
  leaving = true;
  window.location.replace(target);
}

/** Tells this browser's other tabs that their session is being ended here. */
export function announceSignOut(): void {
  try {
    localStorage.setItem(SIGNED_OUT_KEY, String(Date.now()));
  } catch {
    // Other tabs then say the session expired, which is nearly as true.
  }
}

/** Signed in again: an earlier sign-out no longer explains why a session ends. */
export function forgetSignOut(): void {
  try {
    localStorage.removeItem(SIGNED_OUT_KEY);
  } catch {
    // Nothing was kept then.
  }
}

/** Leaves for the sign-in page as soon as another tab of this browser signs out. */
export function followSignOutElsewhere(signedIn: () => boolean, beforeLeaving: () => void): void {
  window.addEventListener('storage', (event) => {
    if (event.key !== SIGNED_OUT_KEY || event.newValue === null || !signedIn()) return;
    beforeLeaving();
    leaveForSignIn({ returnHere: true });
  });
}

function signedOutElsewhere(): boolean {
  try {
    const at = Number(localStorage.getItem(SIGNED_OUT_KEY));
    return Number.isFinite(at) && Math.abs(Date.now() - at) < RECENT_MS;
  } catch {
    return false;
  }
}

/** Reads `?reason=` of the sign-in page. */
export function signOutReasonOf(value: unknown): SignOutReason | null {
  return value === 'expired' || value === 'elsewhere' ? value : null;
}
