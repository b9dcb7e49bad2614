/**
 * Splits a message body into text and web links, for the widget and the console to render as
 * text nodes and `<a>` elements — never as HTML. Only `http:` and `https:` become links: the
 * match must start with one of those schemes, so `javascript:`, `data:` and friends stay text.
 */
export type BodyPart = { text: string; href?: undefined } | { text: string; href: string };

/** Longer "links" stay text: nobody pastes one this long, and parsing it costs. */
const MAX_LINK_LENGTH = 2048;

// A scheme not glued to a word before it (`xhttp://`), then anything up to a space or a character
// that cannot be in a URL a person typed.
const CANDIDATE = /(?<![\p{L}\p{N}_])https?:\/\/[^\s<>"'`]+/giu;
/** What usually ends a sentence rather than a link: dropped from a link's end. */
const TRAILING = /[.,;:!?…]+$/u;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

export function linkify(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let textStart = 0;
  for (const match of body.matchAll(CANDIDATE)) {
    const start = match.index;
    const raw = trimLink(match[0]);
    const href = webHref(raw);
    if (!href) continue;
    if (start > textStart) parts.push({ text: body.slice(textStart, start) });
    parts.push({ text: raw, href });
    textStart = start + raw.length;
  }
  if (textStart < body.length) parts.push({ text: body.slice(textStart) });
  return parts;
}

/** Drops sentence punctuation and a closing bracket the link did not open: "(see https://a.b/c)." */
function trimLink(candidate: string): string {
  let link = candidate;
  for (;;) {
    const trimmed = link.replace(TRAILING, '');
    const last = trimmed.at(-1) ?? '';
    const opener = CLOSERS[last];
    if (opener && count(trimmed, opener) < count(trimmed, last)) {
      link = trimmed.slice(0, -1);
      continue;
    }
    return trimmed;
  }
}

const count = (text: string, char: string): number => text.split(char).length - 1;

/** The link's absolute http(s) URL, or undefined when it is not one (`http://`, no host). */
function webHref(raw: string): string | undefined {
  if (raw.length > MAX_LINK_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return undefined;
  // Credentials in a link are a phishing trick (https://bank.example@evil.example): keep it text.
  if (url.username || url.password) return undefined;
  return url.href;
}

/** How every link in a message opens: in a new tab that cannot reach back to ours. */
export const LINK_TARGET = '_blank';
export const LINK_REL = 'noopener noreferrer';
