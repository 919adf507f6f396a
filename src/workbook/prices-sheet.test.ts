// The Prices sheet gained service-tier, 1-hour cache-write and web-search columns (issue #13): a sheet written
// before them still reads, and a tier row read from the sheet prices that tier in the price book.
import { PriceBook } from '../core/pricing';
import { readPrices, type CellValue } from './index';

const OLD_HEADER = ['provider', 'model', 'effective_from', 'input_mtok', 'cached_input_mtok', 'cache_write_mtok', 'output_mtok', 'discount_pct', 'batch_multiplier', 'maps_to_model', 'note'];

test('a Prices sheet without the new columns reads as before', () => {
  const grid: CellValue[][] = [OLD_HEADER, ['openai', 'gpt-4o', '2026-01-01', 2, 1, null, 8, null, null, '', 'MSA 2026']];
  const r = readPrices(grid);
  expect(r.errors).toEqual([]);
  expect(r.records).toEqual([expect.objectContaining({ provider: 'openai', model: 'gpt-4o', input_mtok: 2, output_mtok: 8 })]);
});

test('service_tier, tier_multiplier, cache_write_1h_mtok and web_search_per_1k read from the sheet and price events', () => {
  const header = [...OLD_HEADER, 'service_tier', 'tier_multiplier', 'cache_write_1h_mtok', 'web_search_per_1k'];
  const grid: CellValue[][] = [
    header,
    ['anthropic', '*', '', null, null, null, null, null, null, '', 'priority commitment', 'Priority', 1.2, null, null],
    ['google', 'gemini-2.5-flash', '', null, null, null, null, null, null, '', 'grounding', '', null, null, 35],
    ['anthropic', 'claude-3-5-haiku-20241022', '', null, null, null, null, null, null, '', '', '', null, 1.5, null],
  ];
  const r = readPrices(grid);
  expect(r.errors).toEqual([]);
  expect(r.records[0]).toMatchObject({ service_tier: 'priority', tier_multiplier: 1.2 });
  const book = new PriceBook(r.records);
  const date = '2025-09-20';
  expect(book.priceTokens({ provider: 'anthropic', model: 'claude-3-5-haiku-20241022', date, service_tier: 'priority' }, { input_tokens: 1e6, output_tokens: 0 }).cost_usd).toBeCloseTo(1.2 * 0.8, 12);
  expect(book.priceTokens({ provider: 'google', model: 'gemini-2.5-flash', date }, { input_tokens: 0, output_tokens: 0, web_search_requests: 1000 }).cost_usd).toBeCloseTo(35, 12);
  expect(book.priceTokens({ provider: 'anthropic', model: 'claude-3-5-haiku-20241022', date }, { input_tokens: 1e6, cache_write_tokens: 1e6, cache_write_1h_tokens: 1e6, output_tokens: 0 }).cost_usd).toBeCloseTo(1.5, 12);
  // a bad cell names its address
  const bad = readPrices([header, ['openai', 'gpt-4o', '', null, null, null, null, null, null, '', '', 'priority', 'twice', null, null]]);
  expect(bad.errors[0]).toMatchObject({ sheet: 'Prices', column: 'tier_multiplier' });
});
