// Renders the SVG icons in assets/ to the PNGs Electron and electron-builder need, with Chromium:
//   icon.svg → icon.png (512) and icon-256.png; tray-<state>.svg → tray-<state>.png (32).
// Run after editing an SVG: node scripts/icons.ts
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const assets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../assets');
const JOBS: [svg: string, png: string, size: number][] = [
  ['icon.svg', 'icon.png', 512],
  ['icon.svg', 'icon-256.png', 256],
  ...['online', 'connecting', 'error', 'stopped'].map((s): [string, string, number] => [`tray-${s}.svg`, `tray-${s}.png`, 32]),
];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  for (const [svg, png, size] of JOBS) {
    const source = await readFile(path.join(assets, svg), 'utf8');
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setContent(`<style>html,body{margin:0;background:transparent}img{display:block}</style><img src="${src}" width="${size}" height="${size}">`);
    await page.waitForFunction(() => document.querySelector('img')?.complete === true);
    await page.screenshot({ path: path.join(assets, png), omitBackground: true });
    console.log(`icons: assets/${png}`);
  }
} finally {
  await browser.close();
}
