import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// xml2js ships without bundled types (and @types/xml2js is not installed), so type the bit we use.
const xml2js: { parseStringPromise(xml: string, opts?: object): Promise<unknown> } = require('xml2js');

const ROOT = path.resolve(__dirname, '..', '..');
const MANIFEST = path.join(ROOT, 'manifest.xml');
const ASSETS = path.join(ROOT, 'assets');
const ORIGIN = 'https://localhost:3000/';

type Node = { [key: string]: unknown; $?: Record<string, string> };

/** Depth-first walk over every element of the xml2js tree (explicitArray form). */
function walk(node: unknown, visit: (name: string, el: Node) => void, name = ''): void {
  if (Array.isArray(node)) {
    node.forEach((child) => walk(child, visit, name));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const el = node as Node;
  visit(name, el);
  for (const [key, value] of Object.entries(el)) {
    if (key === '$' || key === '_') continue;
    walk(value, visit, key);
  }
}

function find(root: unknown, name: string): Node[] {
  const out: Node[] = [];
  walk(root, (n, el) => {
    if (n === name) out.push(el);
  });
  return out;
}

function first(el: Node | undefined, name: string): Node | undefined {
  const v = el?.[name];
  return Array.isArray(v) ? (v[0] as Node) : undefined;
}

function pngSize(file: string): { width: number; height: number } {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

let doc: Node;
let resources: Map<string, { kind: string; value: string }>;
let overrides: Node;

beforeAll(async () => {
  const xml = fs.readFileSync(MANIFEST, 'utf8');
  doc = (await xml2js.parseStringPromise(xml)) as Node;
  overrides = find(doc, 'VersionOverrides')[0];
  expect(overrides).toBeDefined();
  resources = new Map();
  const res = first(overrides, 'Resources');
  for (const kind of ['bt:Images', 'bt:Urls', 'bt:ShortStrings', 'bt:LongStrings']) {
    const group = first(res, kind);
    const items = (group?.[kind === 'bt:Images' ? 'bt:Image' : kind === 'bt:Urls' ? 'bt:Url' : 'bt:String'] ?? []) as Node[];
    for (const item of items) {
      const id = item.$!.id;
      expect(resources.has(id)).toBe(false); // ids are unique across all resource groups
      resources.set(id, { kind, value: item.$!.DefaultValue });
    }
  }
});

describe('manifest.xml', () => {
  test('is a TaskPaneApp for Excel (Workbook) with ReadWriteDocument permission', () => {
    const app = doc.OfficeApp as Node;
    expect(app.$!['xsi:type']).toBe('TaskPaneApp');
    expect(find(app.Hosts, 'Host').map((h) => h.$!.Name)).toEqual(['Workbook']);
    expect(app.Permissions).toEqual(['ReadWriteDocument']);
    expect(String((app.Id as string[])[0])).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    expect(app.ProviderName).toEqual(['AI Labor Ledger']);
  });

  test('requires SharedRuntime 1.1', () => {
    const sets = find((doc.OfficeApp as Node).Requirements, 'Set').map((s) => s.$!);
    expect(sets).toContainEqual({ Name: 'SharedRuntime', MinVersion: '1.1' });
  });

  test('every referenced resid resolves to a defined resource of the right kind', () => {
    const refs: Array<{ element: string; resid: string }> = [];
    walk(overrides, (name, el) => {
      if (el.$?.resid) refs.push({ element: name, resid: el.$.resid });
    });
    expect(refs.length).toBeGreaterThan(10);
    for (const { element, resid } of refs) {
      const r = resources.get(resid);
      expect({ element, resid, defined: r !== undefined }).toEqual({ element, resid, defined: true });
      if (element === 'bt:Image') expect(r!.kind).toBe('bt:Images');
      if (['SourceLocation', 'FunctionFile', 'Runtime', 'LearnMoreUrl'].includes(element)) expect(r!.kind).toBe('bt:Urls');
      if (['Label', 'Title', 'Namespace'].includes(element)) expect(r!.kind).toBe('bt:ShortStrings');
    }
  });

  test('resource ids are at most 32 characters; string lengths within limits', () => {
    for (const [id, { kind, value }] of resources) {
      expect({ id, ok: id.length <= 32 }).toEqual({ id, ok: true });
      if (kind === 'bt:ShortStrings') expect(value.length).toBeLessThanOrEqual(125);
      if (kind === 'bt:LongStrings') expect(value.length).toBeLessThanOrEqual(250);
    }
  });

  test('every URL in the manifest is https', () => {
    const urls: string[] = [];
    for (const { kind, value } of resources.values()) if (kind === 'bt:Urls' || kind === 'bt:Images') urls.push(value);
    const app = doc.OfficeApp as Node;
    for (const tag of ['IconUrl', 'HighResolutionIconUrl', 'SupportUrl']) urls.push(first(app, tag)!.$!.DefaultValue);
    urls.push(find(app.DefaultSettings, 'SourceLocation')[0].$!.DefaultValue);
    urls.push(...((first(app, 'AppDomains')?.AppDomain ?? []) as string[]));
    expect(urls.length).toBeGreaterThan(8);
    for (const url of urls) expect(url).toMatch(/^https:\/\//);
  });

  test('shared runtime: runtime, task pane, FunctionFile and custom-functions page use one resid', () => {
    const host = find(overrides, 'Host')[0];
    // <Runtimes> must come first inside the Host element.
    expect(Object.keys(host).filter((k) => k !== '$')[0]).toBe('Runtimes');
    const runtime = find(host.Runtimes, 'Runtime');
    expect(runtime).toHaveLength(1);
    expect(runtime[0].$!.lifetime).toBe('long');
    const runtimeId = runtime[0].$!.resid;

    const extensionPoints = find(host, 'ExtensionPoint');
    const cf = extensionPoints.find((e) => e.$!['xsi:type'] === 'CustomFunctions')!;
    expect(cf).toBeDefined();
    const cfPage = find(cf.Page, 'SourceLocation')[0].$!.resid;
    const functionFile = find(host, 'FunctionFile')[0].$!.resid;
    const actions = find(host, 'Action').filter((a) => a.$!['xsi:type'] === 'ShowTaskpane');
    expect(actions.length).toBeGreaterThan(0);
    const taskpane = actions.map((a) => find(a, 'SourceLocation')[0].$!.resid);

    expect(new Set([runtimeId, cfPage, functionFile, ...taskpane])).toEqual(new Set(['Taskpane.Url']));
    expect(resources.get(runtimeId)!.value).toBe(`${ORIGIN}taskpane.html`);
    expect(find((doc.OfficeApp as Node).DefaultSettings, 'SourceLocation')[0].$!.DefaultValue).toBe(resources.get(runtimeId)!.value);

    expect(resources.get(find(cf.Script, 'SourceLocation')[0].$!.resid)!.value).toBe(`${ORIGIN}functions.js`);
    expect(resources.get(find(cf.Metadata, 'SourceLocation')[0].$!.resid)!.value).toBe(`${ORIGIN}functions.json`);
  });

  test('no TaskpaneId in a ribbon action of the shared runtime (docs "Configure your add-in to use a shared runtime": one task pane)', () => {
    const host = find(overrides, 'Host')[0];
    expect(find(host, 'Runtime')[0].$!.lifetime).toBe('long');
    for (const a of find(host, 'Action')) expect(Object.keys(a).filter((k) => /^TaskpaneId$/i.test(k))).toEqual([]);
  });

  test('SupportUrl and LearnMoreUrl point to support.html, a page the build serves with the add-in', () => {
    const app = doc.OfficeApp as Node;
    const support = first(app, 'SupportUrl')!.$!.DefaultValue;
    const learnMore = resources.get(find(overrides, 'LearnMoreUrl')[0].$!.resid)!.value;
    expect([support, learnMore]).toEqual([`${ORIGIN}support.html`, `${ORIGIN}support.html`]);
    expect(fs.existsSync(path.join(ROOT, 'src', 'support', 'support.html'))).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, 'webpack.config.js'), 'utf8')).toMatch(/from: 'src\/support\/support.html', to: 'support.html'/);
  });

  test('custom functions namespace is AILABOR', () => {
    const ns = find(overrides, 'Namespace')[0].$!.resid;
    expect(ns).toBe('Functions.Namespace');
    expect(resources.get(ns)!.value).toBe('AILABOR');
  });

  test('icons referenced exist in assets/ with the declared pixel sizes', () => {
    const checks: Array<{ url: string; size: number }> = [];
    const app = doc.OfficeApp as Node;
    checks.push({ url: first(app, 'IconUrl')!.$!.DefaultValue, size: 32 });
    checks.push({ url: first(app, 'HighResolutionIconUrl')!.$!.DefaultValue, size: 64 });
    walk(overrides, (name, el) => {
      if (name === 'bt:Image' && el.$?.size && el.$?.resid) {
        checks.push({ url: resources.get(el.$.resid)!.value, size: Number(el.$.size) });
      }
    });
    expect(checks.length).toBeGreaterThanOrEqual(5);
    for (const { url, size } of checks) {
      expect(url.startsWith(`${ORIGIN}assets/`)).toBe(true);
      const file = path.join(ASSETS, url.slice(`${ORIGIN}assets/`.length));
      expect(fs.existsSync(file)).toBe(true);
      expect(pngSize(file)).toEqual({ width: size, height: size });
    }
  });

  test('the production manifest (ADDIN_PRODUCTION_URL) keeps no localhost anywhere, AppDomain included', () => {
    const { productionManifest, normalizeProductionUrl } = require('../../scripts/manifest-url.cjs');
    const xml = fs.readFileSync(MANIFEST, 'utf8');
    expect(xml).toMatch(/<AppDomain>https:\/\/localhost:3000<\/AppDomain>/); // the bare origin the old replacement missed
    const url = normalizeProductionUrl('https://ledger.example.com/addin');
    expect(url).toBe('https://ledger.example.com/addin/');
    const out: string = productionManifest(xml, ORIGIN, url);
    expect(out).not.toMatch(/localhost/);
    expect(out).toMatch(/<AppDomain>https:\/\/ledger\.example\.com<\/AppDomain>/);
    expect(out).toMatch(/<SourceLocation DefaultValue="https:\/\/ledger\.example\.com\/addin\/taskpane\.html"\/>/);
    // the old replacement (only "https://localhost:3000/") left the AppDomain on localhost
    expect(xml.split(ORIGIN).join(url)).toMatch(/<AppDomain>https:\/\/localhost:3000<\/AppDomain>/);
    expect(() => normalizeProductionUrl('http://ledger.example.com/')).toThrow(/https/);
    expect(() => normalizeProductionUrl('ledger.example.com')).toThrow(/expected an https URL/);
  });

  test('office-addin-manifest info accepts the manifest', () => {
    // The .bin entry may lack the executable bit, so run its target through node.
    const cli = fs.realpathSync(path.join(ROOT, 'node_modules', '.bin', 'office-addin-manifest'));
    const out = execFileSync(process.execPath, [cli, 'info', MANIFEST], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    expect(out).toContain('Name: AI Labor Ledger');
    expect(out).toContain('Hosts: Workbook');
  });
});
