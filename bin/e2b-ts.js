#!/usr/bin/env node
// CommonJS (bin/package.json says so): `--version` and every `--help` are answered from
// quick.cjs without starting Node's ES module loader, which costs about a tenth of node's own
// start-up (bench/, issue 17). The CLI itself is ESM and imported only when it has work to do.
const { printQuickAnswer } = require('../dist/bin/quick.cjs');

const argv = process.argv.slice(2);
if (!printQuickAnswer(argv)) {
  import('../dist/bin/cli.js').then(async ({ createSystemContext, main }) => {
    process.exitCode = await main(argv, createSystemContext());
  });
}
