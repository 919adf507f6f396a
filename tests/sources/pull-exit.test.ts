// `pull FORMAT --file`: a file that yields no record fails (exit 1) instead of writing an empty file with exit 0;
// --out into a folder that does not exist creates it; consistency warnings are counted and can be written out.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePullCommand } from '../../src/cli/commands/pull';
import { FIXTURES } from './fixtures';

const tmp = () => mkdtempSync(join(tmpdir(), 'pull-exit-'));
function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}
const lines = (p: string) => readFileSync(p, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('a file whose every record is rejected exits 1 and says so (the Jira search example asks for no status)', async () => {
  const t = io();
  const file = join(FIXTURES, 'jira', 'published-search-jql.json');
  const code = await makePullCommand().run(['jira', '--file', file, '--set', 'agent={"default":"eng"}', '--out', join(tmp(), 'issues.jsonl')], t.io);
  expect(code).toBe(1);
  expect(t.err.join('\n')).toContain(`pull jira: ${file} yielded no record (all 1 rows rejected)`);
});

test('an empty file exits 1; a readable one next to it is still written', async () => {
  const dir = tmp();
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '[]');
  const out = join(dir, 'usage.jsonl');
  const t = io();
  const code = await makePullCommand().run(['litellm', '--file', join(FIXTURES, 'litellm', 'published-spend-logs-payload.json'), '--file', empty, '--out', out], t.io);
  expect(code).toBe(1);
  expect(t.err.join('\n')).toContain(`${empty} yielded no record (nothing in it)`);
  expect(lines(out)).toHaveLength(1);
});

test('the Helicone export-CLI CSV converts (exit 0), into an --out folder that did not exist', async () => {
  const dir = tmp();
  const out = join(dir, 'new', 'nested', 'helicone.jsonl');
  const warnings = join(dir, 'new', 'warnings.json');
  const t = io();
  const code = await makePullCommand().run(['helicone', '--file', join(FIXTURES, 'helicone', 'published-export.csv'), '--out', out, '--warnings', warnings], t.io);
  expect(code).toBe(0);
  expect(existsSync(out)).toBe(true);
  expect(lines(out).map((e) => e.event_id)).toEqual(['80061a94-1ba5-43fe-8c81-f1db8c38e4a5', '542abcb8-c0d2-48fd-bdf8-c4ea81532ac7', 'test-no-feedback-1', 'test-negative-feedback-1']);
  expect(t.err.join('\n')).toMatch(/2 consistency warnings \(records kept as reported\)[\s\S]*line 4, cost: reported cost \$0\.00001 differs/);
  expect(JSON.parse(readFileSync(warnings, 'utf8'))).toHaveLength(2);
});

test('an --out path that cannot be a folder is named in the error (exit 1)', async () => {
  const dir = tmp();
  const blocker = join(dir, 'file');
  writeFileSync(blocker, 'x');
  const t = io();
  const code = await makePullCommand().run(['litellm', '--file', join(FIXTURES, 'litellm', 'published-spend-logs-payload.json'), '--out', join(blocker, 'out.jsonl')], t.io);
  expect(code).toBe(1);
  expect(t.err.join('\n')).toContain(`pull: cannot write ${join(blocker, 'out.jsonl')}`);
});
