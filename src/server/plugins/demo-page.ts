/**
 * /demo: a plain page standing in for a customer's website. It embeds the widget exactly as a
 * customer would, with one script tag; its own text is the customer's, so it is not translated.
 */
export function renderDemoPage(widgetKey: string): string {
  const key = widgetKey.replace(/[^A-Za-z0-9_-]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Acme Outdoor — Parley demo</title>
  <style>
    body { font: 16px/1.6 system-ui, sans-serif; margin: 0; color: #1f2933; background: #f7f7f2; }
    header { background: #2f4f3a; color: #fff; padding: 2rem 1.5rem; }
    main { max-width: 44rem; margin: 0 auto; padding: 1.5rem; }
    .note { background: #fff; border-left: 4px solid #2f4f3a; padding: 1rem; }
  </style>
</head>
<body>
  <header><h1>Acme Outdoor</h1><p>Tents, stoves and boots for every season.</p></header>
  <main>
    <p class="note">This page stands in for your website. The chat button in the corner is
    Parley's widget, added with one script tag. Agents answer from the console at
    <a href="/console/">/console</a>.</p>
    <h2>Free returns within 60 days</h2>
    <p>Not the right fit? Send it back, whatever the reason. Questions? Open the chat.</p>
  </main>
  <script src="/widget.js" data-site="${key}" async></script>
</body>
</html>
`;
}
