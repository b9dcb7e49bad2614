#!/usr/bin/env node
// `npx parley <command>`: the command line in src/cli, run through tsx (a runtime dependency),
// so it needs nothing but Node.js 20, 22 or 24.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
