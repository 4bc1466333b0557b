/**
 * e2e plumbing: a Vite dev server on a free localhost port serving this repository (pages
 * under e2e/pages/), and Debian's Chromium driven by playwright-core in a persistent context
 * with a fresh profile (OPFS in incognito is in-memory and far slower). No tests here.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { createServer } from 'vite';
import type { ViteDevServer } from 'vite';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
] as const;

export function chromiumPath(): string {
  const path = process.env['DECENTDB_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: run .ci/install-chromium.sh or set DECENTDB_CHROMIUM`);
  return path;
}

export interface E2eEnv {
  readonly baseUrl: string;
  readonly context: BrowserContext;
  /** Opens a page of e2e/pages/ and waits until its script has loaded (window.ready). */
  open(page: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startE2e(): Promise<E2eEnv> {
  const server: ViteDevServer = await createServer({
    configFile: join(REPO_ROOT, 'vite.config.ts'),
    root: REPO_ROOT,
    server: { port: 0, host: '127.0.0.1' },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (address === null || address === undefined || typeof address === 'string') throw new Error('vite did not listen on a port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const { context, profile } = await launchChromium();
  return {
    baseUrl,
    context,
    async open(name) {
      const page = await context.newPage();
      page.on('pageerror', (e) => process.stderr.write(`[${name}] ${e.message}\n`));
      await page.goto(`${baseUrl}/e2e/pages/${name}`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 30_000 });
      return page;
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Chromium in a persistent context on a fresh profile directory (remove it after closing). */
export async function launchChromium(): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'decentdb-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return { context, profile };
}
