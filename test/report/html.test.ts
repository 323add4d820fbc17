/**
 * --format html: one self-contained page. Checked in real headless Chromium
 * (Debian's /usr/bin/chromium through playwright-core): it draws, it simulates
 * losses exactly as the engine does (every single-event scenario of the demo,
 * and of random models; html-parity.test.ts checks the same bundle in Node),
 * hostile names stay text, and the file is deterministic and small.
 * Without Chromium the browser tests are skipped, except in CI (CI set), where
 * they must run (.ci/run installs chromium).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, STATE_NAMES, type PathStep } from '../../src/analysis/engine.js';
import { generateExport } from '../../src/bench/generate.js';
import { analyzeModel } from '../../src/analysis/index.js';
import { analyze, buildModelFor, loadInputs, render } from '../../src/index.js';
import type { Model } from '../../src/model/index.js';
import { repoRoot, runCli, tempFile } from '../helpers/cli.js';
import { buildRandomModel, rawModel } from '../helpers/random-model.js';
import { hostileExport } from '../helpers/reports.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const haveChromium = existsSync(CHROMIUM);
const runBrowser = haveChromium || Boolean(process.env.CI);
if (!runBrowser) {
  // Not a failure on a developer machine without a browser; CI installs it and must run these.
  process.emitWarning(`html report browser tests skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);
}
const ARTIFACTS = path.join(repoRoot, 'test-artifacts');
const PANGYO = 'domain:capital-area/pangyo';
const HOSTILE_DB = '<img src=x onerror=window.__pwned=1>';
const HOSTILE_SERVICE = '</script><script>window.__pwned=2</script>';
const MB = 1024 * 1024;

/** `firebreak analyze SPEC --format html -o FILE`; returns the file. */
async function renderHtml(spec: string, name: string): Promise<string> {
  const file = tempFile(name, '');
  const r = await runCli(['analyze', spec, '--format', 'html', '--output', file, '--fail-on', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return file;
}

interface Firebreak {
  cy: { nodes(): { length: number }; getElementById(id: string): unknown };
  simulate(ids: string[]): Record<string, string>;
  states(): Record<string, string>;
  paths(): Record<string, PathStep[]>;
}

// The page's globals, for the functions page.evaluate runs there (the tests have no DOM types).
declare const window: { firebreak?: Firebreak; __pwned?: unknown };
declare const document: {
  getElementById(id: string): { textContent: string | null; value?: string; getBoundingClientRect(): { left: number; top: number } } | null;
};

/** The demo's report, rendered once for both groups (the first checks that rendering it again gives the same bytes). */
const demo = await renderHtml('.@pangyo-2022', 'demo.html');

describe('html report: the file', async () => {
  const html = readFileSync(demo, 'utf8');

  it('is one self-contained page under 2 MB', () => {
    expect(statSync(demo).size).toBeLessThan(2 * MB);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Nothing to fetch: no external script, style, image or font.
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
  });

  it('is byte-identical across runs', async () => {
    const again = readFileSync(await renderHtml('.@pangyo-2022', 'again.html'), 'utf8');
    expect(again === html).toBe(true);
  });

  it('embeds the data as escaped JSON and no secret', async () => {
    const hostile = readFileSync(await renderHtml(hostileExport(HOSTILE_DB, HOSTILE_SERVICE), 'hostile.html'), 'utf8');
    expect(hostile).not.toContain('hunter2');
    expect(hostile).not.toContain('<img src=x');
    expect(hostile).not.toContain('<script>window.__pwned');
    expect(hostile).toContain('\\u003cimg src=x onerror=window.__pwned=1\\u003e');
    const data = hostile.match(/<script type="application\/json" id="firebreak-data">([^<]*)<\/script>/);
    expect(data).not.toBeNull();
    const parsed = JSON.parse(data![1]!);
    expect(parsed.complete).toBe(true);
    expect(JSON.stringify(parsed)).toContain(HOSTILE_DB);
  });

  it('leaves the json report without the model', async () => {
    const r = await runCli(['analyze', '.@pangyo-2022', '--format', 'json', '--fail-on', 'none']);
    expect(JSON.parse(r.stdout).model).toBeUndefined();
  });
});

describe.skipIf(!runBrowser)(`html report in Chromium${runBrowser ? '' : ` (skipped: ${CHROMIUM} is absent; apt-get install -y chromium)`}`, async () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Open a report; collect console errors and page errors. With `reuse`, in that page (its listeners stay; a new document). */
  async function open(file: string, reuse?: { page: Page; errors: string[] }): Promise<{ page: Page; errors: string[] }> {
    if (reuse) {
      await reuse.page.goto(pathToFileURL(file).href);
      await reuse.page.waitForFunction(() => window.firebreak !== undefined, null, { timeout: 30_000 });
      return reuse;
    }
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    // Nothing may be fetched but the file itself.
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) errors.push(`request: ${req.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => window.firebreak !== undefined, null, { timeout: 30_000 });
    return { page, errors };
  }

  it('draws the demo without errors, and a screenshot goes to test-artifacts/', async () => {
    const { page, errors } = await open(demo);
    const count = await page.evaluate(() => window.firebreak!.cy.nodes().length);
    expect(count).toBeGreaterThan(50);
    const drawn = await page.evaluate((id) => (window.firebreak!.cy.getElementById(id) as { length: number }).length, PANGYO);
    expect(drawn).toBe(1);
    await expect(page.locator('#stats').innerText()).resolves.toContain('capital-area/pangyo');
    await expect(page.locator('#findings li.finding').count()).resolves.toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-demo.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking datacenter pangyo strands or takes down KakaoTalk, and KakaoBank stays up', async () => {
    const { page, errors } = await open(demo);
    // A real click on the domain box, off its children: its bottom-left corner.
    const box = await page.evaluate((id) => {
      const bb = (
        window.firebreak!.cy.getElementById(id) as { renderedBoundingBox(): { x1: number; y1: number; x2: number; y2: number } }
      ).renderedBoundingBox();
      const c = document.getElementById('cy')!.getBoundingClientRect();
      return { x: c.left + bb.x1 + 6, y: c.top + bb.y2 - 6 };
    }, PANGYO);
    await page.mouse.click(box.x, box.y);
    const states = await page.evaluate(() => window.firebreak!.states());
    expect(['stranded', 'down']).toContain(states['KakaoTalk']);
    expect(states['KakaoBank']).toBe('up');
    await expect(page.locator('#sim').innerText()).resolves.toContain('capital-area/pangyo');
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-demo-pangyo.png') });
    // And through the API.
    const api = await page.evaluate((id) => window.firebreak!.simulate([id]), PANGYO);
    expect(api).toEqual(states);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('agrees with the engine on every single-event scenario of the demo', async () => {
    const model = buildModelFor(await loadInputs([`${repoRoot}@pangyo-2022`]));
    const engine = new Engine(model);
    const services = model.nodes.map((n, i) => [n, i] as const).filter(([n]) => n.kind === 'service');
    const events = model.nodes.filter((n) => n.kind === 'domain' || n.kind === 'component').map((n) => n.id);
    expect(events.length).toBeGreaterThan(40);
    const expected = events.map((id) => {
      engine.evaluate([model.index.get(id)!]);
      const states: Record<string, string> = {};
      const paths: Record<string, PathStep[]> = {};
      for (const [n, i] of services) {
        const code = engine.stateOf(i);
        states[n.name] = STATE_NAMES[code];
        if (code >= 2) paths[n.name] = engine.explain(i);
      }
      return { id, states, paths };
    });
    const { page, errors } = await open(demo);
    const actual = await page.evaluate((ids) => ids.map((id) => ({ id, states: window.firebreak!.simulate([id]), paths: window.firebreak!.paths() })), events);
    expect(JSON.parse(JSON.stringify(actual))).toEqual(JSON.parse(JSON.stringify(expected)));
    // Not trivially equal: some scenario hurts a service.
    expect(expected.some((e) => Object.values(e.states).some((s) => s !== 'up'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('agrees with the engine on random models: every single event and some combinations, through the page', async () => {
    let hurt = 0;
    // One page for every model (a new page costs about as much as loading the report in it).
    let opened: { page: Page; errors: string[] } | undefined;
    for (const [k, raw] of fc.sample(rawModel, { numRuns: 8, seed: 20261201 }).entries()) {
      const built = buildRandomModel(raw);
      // Random models carry no domain ranks; the page needs only a policy to render.
      const model: Model = { ...built.model, domainRanks: { zone: 4 } };
      const scenarios = [...built.events.map((e) => [e]), ...(built.events.length > 1 ? [built.events.slice(0, 2), built.events.slice(-3)] : [])];
      const engine = new Engine(model);
      const expected = scenarios.map((ids) => {
        engine.evaluate(ids.map((id) => model.index.get(id)!));
        const st: Record<string, string> = {};
        const paths: Record<string, PathStep[]> = {};
        model.nodes.forEach((n, i) => {
          if (n.kind !== 'service') return;
          st[n.name] = STATE_NAMES[engine.stateOf(i)];
          if (engine.stateOf(i) >= 2) paths[n.name] = engine.explain(i);
        });
        if (Object.keys(paths).length > 0) hurt++;
        return { states: st, paths };
      });
      const file = tempFile(`random-${k}.html`, render(analyzeModel(model, [], { includeModel: true }), 'html'));
      opened = await open(file, opened);
      const { page, errors } = opened;
      // The page shows this model's report, not the one before.
      expect(await page.evaluate(() => window.firebreak!.cy.nodes().length)).toBeGreaterThan(0);
      expect(page.url()).toBe(pathToFileURL(file).href);
      const actual = await page.evaluate(
        (list) => list.map((ids) => ({ states: window.firebreak!.simulate(ids), paths: window.firebreak!.paths() })),
        scenarios,
      );
      expect(JSON.parse(JSON.stringify(actual)), built.description).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(errors).toEqual([]);
    }
    await opened?.page.close();
    // Not trivially equal: many scenarios hurt a service.
    expect(hurt).toBeGreaterThan(5);
  });

  it('stays usable for an estate of about 6,000 nodes: an aggregated overview, simulation, focus', async () => {
    const spec = tempFile('large.json', JSON.stringify(generateExport({ resources: 7000, seed: 1 })));
    const file = await renderHtml(spec, 'large.html');
    const { page, errors } = await open(file);
    const info = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('firebreak-data')!.textContent!);
      return { modelNodes: data.model.nodes.length as number, drawn: window.firebreak!.cy.nodes().length, view: document.getElementById('view')!.value };
    });
    expect(info.modelNodes).toBeGreaterThan(5000);
    expect(info.view).toBe('overview');
    expect(info.drawn).toBeLessThan(info.modelNodes / 3);
    const states = await page.evaluate(() => window.firebreak!.simulate(['domain:aws/us-east-1/us-east-1a']));
    expect(Object.values(states).filter((s) => s === 'down').length).toBeGreaterThan(0);
    // Searching a component not drawn in the overview focuses on its service.
    await page.fill('#search', 'svc-00001-cache');
    await page.press('#search', 'Enter');
    await expect(page.locator('#view-note').innerText()).resolves.toContain('svc-00001');
    expect(await page.evaluate(() => window.firebreak!.cy.nodes().length)).toBeLessThan(100);
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-large.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without the whole model (library use, no includeModel) draws what findings name and does not simulate', async () => {
    const result = analyze(await loadInputs([`${repoRoot}@pangyo-2022`]));
    expect(result.model).toBeUndefined();
    const file = tempFile('partial.html', '');
    writeFileSync(file, render(result, 'html'));
    const { page, errors } = await open(file);
    expect(await page.evaluate(() => window.firebreak!.cy.nodes().length)).toBeGreaterThan(10);
    await expect(page.locator('#sim').innerText()).resolves.toContain('needs the whole model');
    await page.locator('#findings li.finding').first().click();
    expect(await page.evaluate(() => window.firebreak!.states()['KakaoTalk'])).toBe('up');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a resource named as markup stays text', async () => {
    const file = await renderHtml(hostileExport(HOSTILE_DB, HOSTILE_SERVICE), 'hostile.html');
    const { page, errors } = await open(file);
    await page.locator('#findings li.finding').first().click();
    await page.evaluate(() => window.firebreak!.simulate(['domain:aws/us-east-1/us-east-1a']));
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    // Shown as the text it is.
    await expect(page.locator('body').innerText()).resolves.toContain(HOSTILE_DB);
    await expect(page.locator('body').innerText()).resolves.toContain(HOSTILE_SERVICE);
    expect(errors).toEqual([]);
    await page.close();
  });
});
