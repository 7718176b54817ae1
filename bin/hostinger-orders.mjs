#!/usr/bin/env node
// The hostinger-orders command line: runs lib/cli/main.ts through tsx, with no build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../lib/cli/main.ts', import.meta.url);
await main(process.argv.slice(2));
