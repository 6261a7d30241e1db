// The email edition's HTML against caniemail.com's data (npm package caniemail): any HTML
// element or CSS feature that Gmail, Apple Mail, Outlook (Windows included) or Yahoo Mail
// does not support at all fails; partial support is reported, not failed (the email
// must still read well, which the design keeps: one column, inline styles, no layout
// that needs the feature). The <body> element itself is allowed (issue 18).
// Usage: node scripts/caniemail.mjs FILE.html...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(here + 'target/caniemail/node_modules/');
const { caniemail } = await import(require.resolve('caniemail'));

const clients = ['gmail.*', 'apple-mail.*', 'outlook.*', 'yahoo.*'];
let failed = 0;
for (const file of process.argv.slice(2)) {
  const result = caniemail({ clients, html: readFileSync(file, 'utf8') });
  const errors = [];
  const partial = new Set();
  const each = (group, visit) => {
    // caniemail returns Maps (client -> issues).
    const entries = group instanceof Map ? [...group.entries()] : Object.entries(group ?? {});
    for (const [client, found] of entries) {
      for (const issue of found) if (issue.title !== '<body> element') visit(client, issue);
    }
  };
  each(result.issues?.errors, (client, issue) =>
    errors.push(`${issue.title} (line ${issue.position?.start?.line}): not supported by ${client}`));
  each(result.issues?.warnings, (_, issue) => partial.add(issue.title));
  console.log(`caniemail: ${file}: ${errors.length} unsupported; partly supported: ${[...partial].sort().join(', ') || 'none'}`);
  for (const e of errors) console.log(`  FAIL ${e}`);
  failed += errors.length > 0;
}
process.exit(failed ? 1 : 0);
