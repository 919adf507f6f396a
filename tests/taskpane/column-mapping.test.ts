// The column-mapping step's logic, and the one definition of linked share.
import { binaryMessage, columnsSignature, fileColumns, guessColumns, looksBinary, previewMapping } from '../../src/taskpane/services/column-mapping';
import { formatLinkedShare, linkedShare } from '../../src/taskpane/services/linked-share';

describe('column mapping', () => {
  it('tells text from binary without quoting the bytes', () => {
    expect(looksBinary('Ticket,Bot\nHD-1,csr\n')).toBe(false);
    expect(looksBinary('{"a": "caf\u00e9 \u2014 ok"}')).toBe(false);
    expect(looksBinary('PK\u0003\u0004\u0014\u0000\u0006')).toBe(true);
    expect(looksBinary('\ufffd\ufffd\ufffdPNG\r\n' + '\ufffd'.repeat(40))).toBe(true);
    expect(binaryMessage('x.pdf', '%PDF-1.7')).toBe('x.pdf: not a text file (a PDF). Add CSV, JSON or JSON Lines exports.');
  });

  it('reads the columns of CSV, JSON and JSONL files, and guesses fields from common names', () => {
    expect(fileColumns('ticket_id,agent,resolved_at\nA,b,c', 'a.csv').columns).toEqual(['ticket_id', 'agent', 'resolved_at']);
    expect(fileColumns('[{"id":"1","prompt_tokens":3},{"id":"2","completion_tokens":4}]', 'a.json').columns).toEqual(['id', 'prompt_tokens', 'completion_tokens']);
    expect(fileColumns('{"request_id":"r1","model":"m"}\n{"request_id":"r2","model":"m"}\n', 'a.jsonl').columns).toEqual(['request_id', 'model']);
    expect(guessColumns('usage', ['Request ID', 'Created At', 'Agent', 'Ticket', 'Model', 'Prompt Tokens', 'Completion Tokens'])).toMatchObject({
      event_id: 'Request ID', timestamp: 'Created At', agent_id: 'Agent', work_item_id: 'Ticket', model: 'Model', input_tokens: 'Prompt Tokens', output_tokens: 'Completion Tokens',
    });
  });

  it('previews through the refresh’s own import: missing required fields, and each bad row by line and column', () => {
    const csv = 'Ticket,Bot,Status\nT-1,a,Done\nT-2,,success\n';
    const p = previewMapping(csv, 'x.csv', { kind: 'work_items', columns: { work_item_id: 'Ticket', outcome: 'Status' } });
    expect(p.missing).toEqual(['agent_id']);
    const q = previewMapping(csv, 'x.csv', { kind: 'work_items', columns: { work_item_id: 'Ticket', agent_id: 'Bot', outcome: 'Status' }, values: { outcome: { Done: 'success' } } });
    expect(q.missing).toEqual([]);
    expect(q.rows).toEqual([expect.objectContaining({ work_item_id: 'T-1', agent_id: 'a', outcome: 'success' })]);
    expect(q.rejected).toEqual([expect.objectContaining({ file: 'x.csv', line: 3, column: 'Bot' })]);
  });

  it('keys a saved mapping by the file’s columns, whatever their order or case', () => {
    expect(columnsSignature(['Ticket', 'Bot', 'Status'])).toBe(columnsSignature(['status', 'TICKET', 'bot']));
    expect(columnsSignature(['Ticket', 'Bot'])).not.toBe(columnsSignature(['Ticket', 'Bot', 'Status']));
  });
});

describe('linked share: one definition', () => {
  const rows = (totals: number[]) => totals.map((total) => ({ total }));
  it('is the cost linked to work items over all cost, and never shows 100% while anything is unattributed', () => {
    const r = { rows: rows([999.9, 1000]) as never, unattributed: rows([0.1]) as never };
    expect(linkedShare(r)).toBeCloseTo(1 - 0.1 / 2000, 12);
    expect(formatLinkedShare(linkedShare(r))).toBe('99.99%');
    expect(formatLinkedShare(0.99996)).toBe('99.99%');
    expect(formatLinkedShare(1)).toBe('100.00%');
    expect(formatLinkedShare(linkedShare({ rows: [], unattributed: [] }))).toBe('0.00%');
  });
});
