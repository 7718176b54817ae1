#!/usr/bin/env node
// The hostinger-orders command line: runs dist/cli.mjs, the JavaScript that `npm install` builds from the
// TypeScript in lib/cli (scripts/build-cli.mjs; `npm run build:cli` builds it again).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('hostinger-orders: dist/cli.mjs is missing; build it with: npm run build:cli\n');
  process.exit(1);
}
// Stack traces (HOSTINGER_ORDERS_DEBUG=1) name the TypeScript files, not the bundle.
process.setSourceMapsEnabled(true);
const { main } = await import(cli.href);
await main(process.argv.slice(2));
