/**
 * Leaves the app for the sign-in page with a full page load, so nothing of this session
 * (stores, socket, timers) outlives it. With `returnHere` (an expired session, not a sign-out),
 * the current place comes back after signing in.
 */
export function leaveForSignIn({ returnHere }: { returnHere: boolean }): void {
  const base = import.meta.env.BASE_URL;
  const { pathname } = window.location;
  const here = pathname.startsWith(base) ? `/${pathname.slice(base.length)}` : '/';
  const comeBack = returnHere && here !== '/' && here !== '/login';
  window.location.replace(`${base}login${comeBack ? `?redirect=${encodeURIComponent(here)}` : ''}`);
}
