// Builds what Electron and the headless server load:
//   renderer/main.tsx + styles.css + index.html  → dist/renderer/{index.html, app.js, app.css, icon.svg}
//   main/electron-main/main.ts                    → dist/electron/main.cjs    (node, cjs)
//   preload/preload.ts                            → dist/electron/preload.cjs (sandboxed preloads are CJS)
// `node scripts/build.ts --renderer` builds the renderer only. An entry whose file does not exist
// yet is skipped with a line, so the build works while the other parts are being written.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (p: string): string => path.join(root, p);
const rendererOnly = process.argv.includes('--renderer');
const dev = process.argv.includes('--dev');

function present(file: string): boolean {
  if (existsSync(at(file))) return true;
  console.log(`build: skipping ${file} (not written yet)`);
  return false;
}

async function buildRenderer(): Promise<void> {
  if (!present('renderer/main.tsx')) return;
  const out = at('dist/renderer');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const common: esbuild.BuildOptions = {
    bundle: true,
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    target: ['chrome120'],
    logLevel: 'warning',
    legalComments: 'none',
  };
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: [at('renderer/main.tsx')],
      outfile: path.join(out, 'app.js'),
      platform: 'browser',
      // A classic script (not a module) so it loads the same from file://, a custom protocol or http.
      format: 'iife',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    }),
    esbuild.build({ ...common, entryPoints: [at('renderer/styles.css')], outfile: path.join(out, 'app.css') }),
    copyFile(at('renderer/index.html'), path.join(out, 'index.html')),
    existsSync(at('assets/icon.svg')) ? copyFile(at('assets/icon.svg'), path.join(out, 'icon.svg')) : Promise.resolve(),
  ]);
  console.log('build: dist/renderer (index.html, app.js, app.css)');
}

async function buildElectron(): Promise<void> {
  const common: esbuild.BuildOptions = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node22'],
    sourcemap: dev ? 'inline' : false,
    logLevel: 'warning',
  };
  const jobs: Promise<unknown>[] = [];
  if (present('main/electron-main/main.ts')) {
    jobs.push(
      esbuild.build({
        ...common,
        entryPoints: [at('main/electron-main/main.ts')],
        outfile: at('dist/electron/main.cjs'),
        external: ['electron', 'keytar', 'bufferutil', 'utf-8-validate'],
        // ESM sources read import.meta.url; in the CJS bundle it comes from __filename.
        define: { 'import.meta.url': 'importMetaUrl', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
        banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      }),
    );
  }
  if (present('preload/preload.ts')) {
    jobs.push(
      esbuild.build({
        ...common,
        entryPoints: [at('preload/preload.ts')],
        outfile: at('dist/electron/preload.cjs'),
        external: ['electron'],
      }),
    );
  }
  await Promise.all(jobs);
  if (jobs.length) console.log('build: dist/electron');
}

try {
  await buildRenderer();
  if (!rendererOnly) await buildElectron();
} catch (error) {
  // esbuild has already printed the located errors.
  console.error(`build failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exit(1);
}
