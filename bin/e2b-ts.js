#!/usr/bin/env node
import { printQuickAnswer } from '../dist/bin/quick.js';

const argv = process.argv.slice(2);
if (!printQuickAnswer(argv)) {
  const { createSystemContext, main } = await import('../dist/bin/cli.js');
  process.exitCode = await main(argv, createSystemContext());
}
