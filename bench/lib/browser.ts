/**
 * What every browser bench needs: Debian's Chromium through playwright-core (persistent context,
 * fresh profile: an incognito context keeps OPFS in memory), files served beside a vite preview,
 * and gzip sizes of what a build emits.
 */
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { Plugin } from 'vite';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const gzipKiB = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length / 1024;

export function chromiumPath(): string {
  const path = process.env['DECENTDB_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: apt-get install -y chromium, or set DECENTDB_CHROMIUM`);
  return path;
}

/** Every file under `dir`, recursively. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** A vite preview plugin serving `file` (e.g. a database built in Node) at `urlPath`. */
export function serveFile(urlPath: string, file: string): Plugin {
  return {
    name: `bench-serve${urlPath.replace(/[^a-z0-9]+/gi, '-')}`,
    configurePreviewServer(server) {
      server.middlewares.use(urlPath, (_req, res) => {
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file).size));
        createReadStream(file).pipe(res);
      });
    },
  };
}

/** Chromium with a fresh persistent profile; `close()` also removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'decentdb-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page at `url` once its script has set `window.ready`; page errors are logged. */
export async function openBenchPage(context: BrowserContext, url: string, log: (line: string) => void): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => log(`[page] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page;
}
