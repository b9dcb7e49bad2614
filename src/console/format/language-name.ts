/**
 * A language tag as a reader says it, in their own console language ("pt" → "Portuguese",
 * "zh-Hant" → "Traditional Chinese"; in a German console "Portugiesisch"). A tag Intl cannot
 * name is shown as it is rather than hidden.
 */
export function languageName(tag: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
