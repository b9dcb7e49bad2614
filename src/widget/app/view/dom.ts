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
