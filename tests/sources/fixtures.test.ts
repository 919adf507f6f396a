// Fixture-driven: every tests/fixtures/sources/<source>/*.expected.json names an input file (a real-shaped vendor
// export or saved API page), the format, link rules and options, and lists the exact canonical records and rejected
// rows the mapper must produce.
import { dirname } from 'node:path';
import { usageEventSchema, workItemSchema, reviewSchema, invoiceSchema, overheadSchema } from '../../src/core/model/records';
import { actualOf, expectedFiles, readJson, runExpected, withDefaults, type ExpectedFile } from './fixtures';

const files = expectedFiles();

test('every source has fixtures', () => {
  const sources = new Set(files.map((f) => f.source));
  for (const s of ['litellm', 'langfuse', 'helicone', 'otel', 'bedrock', 'openai', 'anthropic', 'focus', 'zendesk', 'jira', 'servicenow', 'generic']) expect(sources).toContain(s);
});

describe.each(files.map((f) => [`${f.source}/${f.name}`, f] as const))('%s', (_label, f) => {
  const exp = readJson<ExpectedFile>(f.path);
  const actual = actualOf(runExpected(dirname(f.path), exp));

  test('records match the expected canonical records', () => {
    expect(actual.events).toEqual(withDefaults(exp.events));
    expect(actual.work_items).toEqual(exp.work_items ?? []);
    expect(actual.reviews).toEqual(exp.reviews ?? []);
    expect(actual.invoices).toEqual(exp.invoices ?? []);
    expect(actual.overheads).toEqual(exp.overheads ?? []);
  });

  test('rejected rows name the file, line, field and what was expected', () => {
    expect(actual.rejected).toEqual(exp.rejected ?? []);
    for (const r of actual.rejected) {
      expect(r.file).toBe(exp.input);
      expect(r.line).toBeGreaterThan(0);
      expect(r.reason).toMatch(/expected/);
    }
    expect(actual.skipped).toBe(exp.skipped ?? 0);
  });

  test('consistency warnings are the expected ones', () => {
    expect(actual.warnings).toEqual(exp.warnings ?? []);
    for (const w of actual.warnings) expect(w.file).toBe(exp.input);
  });

  test('every record is valid canonical data', () => {
    for (const e of actual.events) expect(usageEventSchema.safeParse(e).success).toBe(true);
    for (const w of actual.work_items) expect(workItemSchema.safeParse(w).success).toBe(true);
    for (const r of actual.reviews) expect(reviewSchema.safeParse(r).success).toBe(true);
    for (const i of actual.invoices) expect(invoiceSchema.safeParse(i).success).toBe(true);
    for (const o of actual.overheads) expect(overheadSchema.safeParse(o).success).toBe(true);
  });
});
