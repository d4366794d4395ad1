// `npm run lint:electron`: Electronegativity (@doyensec/electronegativity) over the Electron shell
// and everything it loads: main/, preload/ and renderer/ (or the paths given as arguments), scanned
// together (copied into one temporary folder) so its global checks (navigation limits, CSP,
// permission handler) see the whole app at once.
// Why a wrapper and not its CLI: the CLI takes one input, cannot fail by severity, and fetches
// translations from the internet on every start. Here the library runs offline (its HTTP client
// is replaced by one that refuses, so it falls back to its bundled English strings), the online
// check (AvailableSecurityFixesGlobalCheck, which downloads Electron's release list) is excluded,
// every finding is printed, and the exit code is 1 on any HIGH finding or any file it could not parse.
// A reviewed false positive is silenced where it occurs with `// eng-disable CHECK_ID` plus a reason.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Level {
  value: number;
  name: string;
}
interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: Level;
  confidence: Level;
  description: string;
  manualReview?: boolean;
}
interface RunResult {
  issues: Issue[];
  errors: { file: string; message: string; tolerable: boolean }[];
  globalChecks: number;
  atomicChecks: number;
}
type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<RunResult>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ONLINE_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const inputs = process.argv.slice(2).length ? process.argv.slice(2) : ['main', 'preload', 'renderer'];

const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity');
const electronVersion = (require('electron/package.json') as { version: string }).version;

// Keep the scan offline: every request its HTTP client (got) would make fails at once.
const gotPath = createRequire(runnerPath).resolve('got');
const offline = Object.assign(() => Promise.reject(new Error('offline: electronegativity runs without network')), {});
const stub = new Module(gotPath);
stub.exports = offline;
stub.loaded = true;
require.cache[gotPath] = stub;

const runnerModule = require(runnerPath) as Run | { default: Run };
const run: Run = typeof runnerModule === 'function' ? runnerModule : runnerModule.default;

// One folder mirroring the project's layout, holding only the inputs.
const scanDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-eng-'));
for (const input of inputs) {
  await cp(path.resolve(root, input), path.join(scanDir, input), { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
}

// The library logs its progress and a translation notice through console.log; keep ours readable.
const log = console.log;
let result: RunResult;
console.log = () => {};
try {
  result = await run(
    {
      input: scanDir,
      customScan: [],
      excludeFromScan: ONLINE_CHECKS,
      isRelative: true,
      isVerbose: true,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
} finally {
  console.log = log;
  await rm(scanDir, { recursive: true, force: true });
}

const issues = [...result.issues].sort((a, b) => b.severity.value - a.severity.value || a.file.localeCompare(b.file));
const high = issues.filter((i) => i.severity.name === 'HIGH').length;
const unparsed = result.errors.filter((e) => !e.tolerable).length;
log(`electronegativity ${inputs.join(', ')}: ${result.atomicChecks} atomic + ${result.globalChecks} global checks, ${issues.length} finding(s)`);
for (const i of issues) {
  log(`  ${i.severity.name}/${i.confidence.name} ${i.id}${i.manualReview ? ' (review)' : ''}  ${i.file}:${i.location.line}:${i.location.column}`);
  log(`      ${i.description}`);
}
for (const e of result.errors) log(`  ${e.tolerable ? 'warning' : 'ERROR'} parsing ${path.relative(scanDir, e.file)}: ${e.message}`);
if (high || unparsed) {
  log(`electronegativity: failed: ${high} HIGH finding(s), ${unparsed} file(s) not parsed`);
  process.exit(1);
}
log('electronegativity: no HIGH finding');
