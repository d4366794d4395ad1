// electron-builder.yml: valid against electron-builder's own schema (its validator, no build, no
// download), with the fuses, targets and native-module unpacking the release needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
// electron-builder's own library, and the glob matcher it applies to these patterns.
const builderLib = path.dirname(require.resolve('app-builder-lib/package.json', { paths: [path.dirname(require.resolve('electron-builder'))] }));
const { minimatch } = require(require.resolve('minimatch', { paths: [builderLib] })) as { minimatch: (p: string, pattern: string, o?: object) => boolean };
const config = parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  files: string[];
  linux: { target: string[]; category: string; icon: string };
  mac: { target: string; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; icon: string };
  win: { target: string; icon: string };
};

test('the file validates against electron-builder 26 schema', async () => {
  const { validateConfiguration } = require(path.join(builderLib, 'out/util/config/config.js')) as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
  const { DebugLogger } = require(require.resolve('builder-util', { paths: [builderLib] })) as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(config, new DebugLogger(false));
  // The validator is strict: a misspelt fuse is an error, so the pass above means something.
  await assert.rejects(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, new DebugLogger(false)));
});

test('fuses: no run-as-node, no NODE_OPTIONS or --inspect, encrypted cookies, asar only and verified', () => {
  assert.equal(config.appId, 'dev.gatehouse.app');
  assert.equal(config.productName, 'Gatehouse');
  assert.deepEqual(
    { ...config.electronFuses },
    {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    },
  );
});

test('targets: AppImage and deb, a hardened dmg with entitlements, nsis', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.equal(config.linux.category, 'Development');
  assert.equal(config.mac.target, 'dmg');
  assert.equal(config.mac.hardenedRuntime, true);
  assert.equal(config.win.target, 'nsis');
  for (const f of [config.linux.icon, config.mac.icon, config.win.icon, config.mac.entitlements, config.mac.entitlementsInherit]) {
    assert.ok(existsSync(path.join(root, f)), `${f} exists`);
  }
  const plist = readFileSync(path.join(root, config.mac.entitlements), 'utf8');
  assert.match(plist, /com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
  assert.doesNotMatch(plist, /disable-library-validation|allow-dyld-environment-variables|device\.camera/);
});

test("keytar's native module is unpacked from the asar, and the app's entry is packaged", () => {
  const keytarNode = 'node_modules/keytar/build/Release/keytar.node';
  assert.ok(config.asarUnpack.some((p) => minimatch(keytarNode, p, { dot: true })), 'keytar.node is unpacked');
  const prebuilds = path.join(root, 'node_modules/bufferutil/prebuilds');
  if (existsSync(prebuilds)) {
    for (const dir of readdirSync(prebuilds)) {
      for (const f of readdirSync(path.join(prebuilds, dir))) {
        const rel = `node_modules/bufferutil/prebuilds/${dir}/${f}`;
        if (f.endsWith('.node')) assert.ok(config.asarUnpack.some((p) => minimatch(rel, p, { dot: true })), rel);
      }
    }
  }
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
  for (const needed of [pkg.main, 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'assets/tray-online.png', 'assets/icon.png']) {
    assert.ok(config.files.some((p) => minimatch(needed, p)), `${needed} is in files`);
  }
});
