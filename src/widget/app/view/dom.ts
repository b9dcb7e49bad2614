import { LINK_REL, LINK_TARGET, linkify } from '../../../client/linkify';

/**
 * Creates an element. Children given as strings become text nodes, so text is never parsed as
 * HTML: this and `textContent` are the only ways the widget puts text on screen.
 */
export function element<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[Tag] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Sets text only when it changed, so live regions do not re-announce unchanged rows. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** What each bubble shows, so a row whose body did not change is not rebuilt (and re-announced). */
const shownBodies = new WeakMap<Node, string>();

/** Sets a message body: its text as text nodes, and its web links as links to a new tab. */
export function setBody(node: HTMLElement, body: string): void {
  if (shownBodies.get(node) === body) return;
  shownBodies.set(node, body);
  node.replaceChildren(
    ...linkify(body).map((part) =>
      part.href === undefined
        ? part.text
        : element('a', { href: part.href, target: LINK_TARGET, rel: LINK_REL }, part.text),
    ),
  );
}
