#!/usr/bin/env node
import { main, processIo } from '../dist/src/cli/main.js';

process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
