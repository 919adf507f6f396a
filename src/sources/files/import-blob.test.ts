/** @jest-environment jsdom */
// The task pane hands the importer a File (a Blob) from an <input type=file>; papaparse reads it with FileReader.
import { importRecords } from './import';

test('a browser File is streamed in chunks with the same line numbers and rejections', async () => {
  const lines = ['event_id;timestamp;kind;input_tokens'];
  for (let i = 0; i < 5000; i++) lines.push(i === 3000 ? `e${i};2026-10-01T10:00:00Z;"ll\r\nm";1` : `e${i};2026-10-01T10:00:00Z;llm;${i === 4000 ? '-1' : i}`);
  const file = new File(['\uFEFF' + lines.join('\r\n')], 'usage.csv', { type: 'text/csv' });
  let n = 0;
  const report = await importRecords({ kind: 'usage', fileName: file.name, input: file, chunkSize: 8192, sink: () => { n++; } });
  expect(report.fatal).toBeUndefined();
  expect(n).toBe(4998);
  expect(report.rejected[0]).toMatchObject({ line: 3002, column: 'kind' });
  expect(report.rejected[1]).toEqual({ file: 'usage.csv', line: 4003, column: 'input_tokens', value: '-1', reason: 'expected a whole number ≥ 0' });
});
