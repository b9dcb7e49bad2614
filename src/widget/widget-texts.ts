import type { WidgetSettings, WidgetTextName } from '../protocol/settings-schemas';

/**
 * A text the site's admin wrote for visitors, in the widget's language: the one written for that
 * language, else the plain field; empty when neither is set (the widget's catalog says it then).
 */
export function widgetText(
  widget: Partial<Pick<WidgetSettings, 'localized' | WidgetTextName>>,
  language: string,
  name: WidgetTextName,
): string {
  return widget.localized?.[language]?.[name] || widget[name] || '';
}
