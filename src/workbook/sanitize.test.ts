import { cleanText, hyperFormulaText, MAX_CELL_TEXT, wouldBeParsed } from './sanitize';

describe('untrusted text', () => {
  it.each(['=HYPERLINK("http://evil","click")', '+1+2', '-2+3', '@SUM(A1)', '=cmd|\' /C calc\'!A0', '123', '1,234.5', '$12', '12%', '2026-10', '10/03/2026', '3 Oct', 'TRUE', '12:30'])(
    'knows Excel would parse %p if typed',
    (s) => expect(wouldBeParsed(s)).toBe(true),
  );
  it.each(['Refund for order 42', 'csr-tier1', 'claude-3-5-sonnet-20241022', 'T-0000042', 'no work item', ''])('leaves plain text %p alone', (s) =>
    expect(wouldBeParsed(s)).toBe(false),
  );
  it('drops characters XML cannot hold and caps the length at Excel’s 32,767', () => {
    expect(cleanText('a\u0000b\u0007c\td\ne')).toBe('a\uFFFDb\uFFFDc\td\ne');
    const long = cleanText('x'.repeat(40000));
    expect(long.length).toBe(MAX_CELL_TEXT);
    expect(long.endsWith('…')).toBe(true);
  });
  it('prefixes an apostrophe for HyperFormula, which keeps the rest literally', () => {
    expect(hyperFormulaText('=1+1')).toBe("'=1+1");
    expect(hyperFormulaText("'quoted")).toBe("''quoted");
  });
});
