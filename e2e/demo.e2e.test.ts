/**
 * The PWA demo (demo-app/) as `npm start` serves it: built with Vite, served by `vite preview`,
 * loaded in Chromium with a small first-run library (?tracks=3000): waits for the library,
 * searches, browses artist → album → tracks, checks the service worker took control, and
 * reopens the app offline.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, REPO_ROOT } from './harness.js';

const CONFIG = join(REPO_ROOT, 'demo-app', 'vite.config.ts');
let server: PreviewServer;
let context: BrowserContext;
let profile: string;
let page: Page;
let url: string;

interface Demo { state: string; tracks: number; searchMode: string; error?: string }

const demoState = (): Promise<Demo> => page.evaluate(() => (window as unknown as { demo: Demo }).demo);
const waitReady = async (): Promise<Demo> => {
  await page.waitForFunction(() => ['ready', 'failed'].includes((window as unknown as { demo?: Demo }).demo?.state ?? ''), undefined, { timeout: 60_000 });
  return demoState();
};

beforeAll(async () => {
  await build({ configFile: CONFIG, logLevel: 'silent' });
  server = await preview({ configFile: CONFIG, logLevel: 'silent', preview: { port: 0, host: '127.0.0.1' } });
  url = server.resolvedUrls?.local[0] ?? '';
  ({ context, profile } = await launchChromium());
  page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`[demo] ${e.message}\n`));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
});

describe('the music-library demo', () => {
  it('generates the library on first run and searches it as you type', async () => {
    await page.goto(`${url}?tracks=3000`);
    const demo = await waitReady();
    expect(demo.error).toBeUndefined();
    expect(demo).toMatchObject({ state: 'ready', tracks: 3000 });
    await page.fill('#search', 'love');
    await page.waitForFunction(() => document.querySelector('#results tbody')?.getAttribute('data-query') === 'love');
    const titles = await page.$$eval('#results tbody tr td:first-child', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t.toLowerCase()).toContain('love');
    // Case-insensitive through the trigram index: typing 'love' finds 'Love'.
    expect(demo.searchMode).toBe('trigram');
    expect(titles.some((t) => t.includes('Love'))).toBe(true);
    expect(await page.textContent('#search-time')).toMatch(/matches in/);
  });

  it('browses artist → albums → tracks', async () => {
    await page.click('#letters button:nth-child(2)'); // "A"
    await page.waitForSelector('#artists li.clickable');
    await page.click('#artists li.clickable');
    await page.waitForSelector('#albums li.clickable');
    await page.click('#albums li.clickable');
    await page.waitForSelector('#tracks li');
    expect(await page.$$eval('#tracks li', (lis) => lis.length)).toBeGreaterThan(0);
    expect(await page.textContent('#tracks-time')).toMatch(/ms/);
  });

  it('registers its service worker and opens offline with the data', async () => {
    const active = await page.evaluate(async () => Boolean((await navigator.serviceWorker.ready).active));
    expect(active).toBe(true);
    await context.setOffline(true);
    try {
      await page.reload();
      const demo = await waitReady();
      expect(demo).toMatchObject({ state: 'ready', tracks: 3000 });
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    } finally {
      await context.setOffline(false);
    }
  });
});
