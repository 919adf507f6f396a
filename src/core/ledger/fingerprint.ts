// De-duplication of re-imported events (RULES.md "Records in"): a 30-bit fingerprint of every field but the id.
import type { UsageEvent } from '../model/records';

function hashStr(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return Math.imul(h ^ 0x1f, 16777619); // field separator
}
function hashNum(h: number, n: number): number {
  // Counts are small integers: one step (most of an event's twenty numbers); other values mix all their parts.
  if ((n | 0) === n) return Math.imul(h ^ n, 16777619);
  h = Math.imul(h ^ 0x2f ^ (n | 0), 16777619);
  h = Math.imul(h ^ ((n / 4294967296) | 0), 16777619);
  return Math.imul(h ^ (((n - Math.floor(n)) * 4294967296) | 0), 16777619);
}

/** FNV-1a over every field but the id: equal content ⇒ equal fingerprint; about a 2⁻³⁰ chance that a conflict reads as a duplicate. */
export function eventFingerprint(e: UsageEvent): number {
  let h = 0x811c9dc5;
  h = hashStr(h, e.timestamp);
  h = hashStr(h, e.agent_id);
  h = hashStr(h, e.work_item_id);
  h = hashStr(h, e.provider);
  h = hashStr(h, e.model);
  // kind and status are validated enums: their length and first letter tell every value apart.
  h = hashNum(h, e.kind.length * 256 + e.kind.charCodeAt(0));
  h = hashNum(h, e.status.length * 256 + e.status.charCodeAt(0));
  h = hashNum(h, e.input_tokens);
  h = hashNum(h, e.cached_input_tokens);
  h = hashNum(h, e.cache_write_tokens);
  h = hashNum(h, e.output_tokens);
  h = hashNum(h, e.units);
  h = hashNum(h, e.batch ? 1 : 0);
  h = e.cost_usd === null || e.cost_usd === undefined ? hashNum(h, -1) : hashNum(hashNum(h, 1), e.cost_usd);
  // Fields added with the vendor splits (issue #13): an event re-imported with another tier or split is a conflict.
  h = hashStr(h, e.service_tier);
  h = hashStr(h, e.context_tier);
  h = hashNum(h, e.cache_write_1h_tokens);
  h = hashNum(h, e.audio_input_tokens);
  h = hashNum(h, e.cached_audio_input_tokens);
  h = hashNum(h, e.image_input_tokens);
  h = hashNum(h, e.cached_image_input_tokens);
  h = hashNum(h, e.audio_output_tokens);
  h = hashNum(h, e.image_output_tokens);
  h = hashNum(h, e.reasoning_tokens);
  h = hashNum(h, e.web_search_requests);
  // A final mix (murmur3's): FNV's multiply moves differences only upward, so without it a difference in the top bits
  // (cost 0.25 against 0.75) was cut off with them and a conflict read as a duplicate (ledger.test.ts).
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  // 30 bits keep the value a V8 small integer (no heap number per stored id); a 2⁻³⁰ chance to miss a conflict.
  return h & 0x3fffffff;
}
