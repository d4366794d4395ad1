// Runs a TypeScript entry point with a Node that strips types: this one when it is new enough
// (22.18+), else the Node 24 that scripts/setup.sh put in .tools/. CommonJS, so any Node can
// start it. Used by the npm scripts: `node scripts/run.cjs scripts/test.ts ...`.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const [major, minor] = process.versions.node.split('.').map(Number);
let node = process.execPath;
if (major < 22 || (major === 22 && minor < 18)) {
  const local = join(__dirname, '..', '.tools', 'node', 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(local)) {
    console.error(`Node ${process.versions.node} cannot run Gatehouse (it needs 22.18+, ideally 24 LTS). Run: sh scripts/setup.sh`);
    process.exit(1);
  }
  node = local;
}
const child = spawn(node, process.argv.slice(2), { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
