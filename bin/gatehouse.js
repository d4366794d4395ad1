#!/usr/bin/env node
// Gatehouse's command line. Needs Node with TypeScript type stripping (24 LTS, or 22.18+).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`gatehouse: Node ${process.versions.node} is too old; install Node 24 LTS (22.18+ also works).`);
  process.exit(1);
}
const { main } = await import('../main/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
