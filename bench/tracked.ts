/**
 * `npx tsx bench/tracked.ts [count]`: the idle tracked visitors scenario alone (default 5,000),
 * which `npm run bench` also runs and appends to its report.
 */
import { stopAllChildren } from './children';
import { renderIdleTracked, runIdleTracked } from './scenarios/idle-tracked';

const count = Number(process.argv[2] ?? 5000);
try {
  process.stdout.write(renderIdleTracked(await runIdleTracked(count)));
} finally {
  await stopAllChildren();
}
