// A large usage file read on a worker thread while the caller's sink (the ledger builder) runs on this one: the
// worker runs the very same importFile (byte scanner and text path) with a sink that packs each event into columns;
// this side unpacks them in file order and calls the caller's sink. Node only (the CLI); the add-in reads in-thread.
//
// The one thing the worker cannot know is what the caller's sink answers (added, duplicate, conflict): it counts every
// delivered event as accepted, and this side corrects the counts and adds the conflict rejections in line order,
// with deliver()'s own message (conflictRejection).
import { Worker, parentPort, workerData } from 'node:worker_threads';
import type { UsageEvent } from '../../core/model/records';
import type { RejectedRow } from '../../core/model/records';
import { clip } from '../common/text';
import { conflictRejection, type ImportOptions, type ImportReport } from './import';
import { ascii } from './usage-scan';

/** The fields packed into columns: an event's, or the byte scanner's for the row it accepted (same names). */
type Packed = Omit<UsageEvent, 'event_id' | 'timestamp' | 'kind' | 'status' | 'context_tier'> & { kind: string; status: string; context_tier: string };

const NUMS = [
  'input_tokens', 'cached_input_tokens', 'cache_write_tokens', 'output_tokens', 'units', 'cost_usd', 'cache_write_1h_tokens', 'audio_input_tokens',
  'cached_audio_input_tokens', 'image_input_tokens', 'cached_image_input_tokens', 'audio_output_tokens', 'image_output_tokens', 'reasoning_tokens',
  'web_search_requests',
] as const;
const DICT = ['agent_id', 'work_item_id', 'provider', 'model', 'kind', 'status', 'service_tier', 'context_tier', 'line_item'] as const;
const NN = NUMS.length;
const ND = DICT.length;
const BATCH = 8192;
/** batches posted and not yet consumed before the worker waits: bounds the memory in flight */
const IN_FLIGHT = 4;

interface Batch {
  n: number;
  lines: Int32Array;
  nums: Float64Array;
  dict: Int32Array;
  /** bit 0: batch; bit 1: cost_usd is null; bit 2: the row's id and timestamp are in `strs` (else bytes in `text`) */
  flags: Uint8Array;
  /** event_id and timestamp of every scanned row as ASCII bytes, one after the other; their lengths in `lens` */
  text: Uint8Array;
  /** event_id and timestamp of every other row, as read (any string, lone surrogates from JSON escapes included) */
  strs: string[];
  /** bytes used in `text` */
  at: number;
  lens: Int32Array;
  /** dictionary strings first seen in this batch */
  added: string[];
}

interface Done {
  done: ImportReport;
}

interface Progress {
  progress: number;
}

interface WorkerInput {
  path: string;
  opts: { fileName: string; maxRejectedListed?: number; progressEvery?: number };
  inflight: SharedArrayBuffer;
}

/** The worker's side: import the file, post the events in batches (node.ts's importFile is passed in: no import cycle). */
export async function workerMain(importFile: typeof import('./node').importFile) {
  const { path, opts, inflight } = workerData as WorkerInput;
  const flight = new Int32Array(inflight);
  const ids = new Map<string, number>();
  const lastS: (string | null)[] = new Array<string | null>(ND).fill(null);
  const lastId = new Int32Array(ND);
  let b: Batch;
  // Consumed batches come back to be filled again: a million events are then a handful of buffers, not 125 new ones.
  const spare: Batch[] = [];
  parentPort!.on('message', (back: Batch) => void spare.push(back));
  parentPort!.unref();
  const fresh = () => {
    const old = spare.pop();
    if (old) {
      old.n = 0;
      old.at = 0;
      old.added = [];
      old.strs = [];
      b = old;
      return;
    }
    b = {
      n: 0, lines: new Int32Array(BATCH), nums: new Float64Array(BATCH * NN), dict: new Int32Array(BATCH * ND), flags: new Uint8Array(BATCH),
      text: new Uint8Array(BATCH * 40), at: 0, strs: [], lens: new Int32Array(BATCH * 2), added: [],
    };
  };
  fresh();
  const flush = () => {
    if (b.n === 0) return;
    Atomics.add(flight, 0, 1);
    parentPort!.postMessage(b, [b.lines.buffer, b.nums.buffer, b.dict.buffer, b.flags.buffer, b.text.buffer, b.lens.buffer] as ArrayBuffer[]);
    fresh();
    for (let v = Atomics.load(flight, 0); v >= IN_FLIGHT; v = Atomics.load(flight, 0)) Atomics.wait(flight, 0, v, 100);
  };
  /** a dictionary code for column k's string (the scanner interns them: the column's last one is usually the same) */
  const code = (k: number, s: string): number => {
    let id = ids.get(s);
    if (id === undefined) {
      ids.set(s, (id = ids.size));
      b.added.push(s);
    }
    lastS[k] = s;
    lastId[k] = id;
    return id;
  };
  const room = (need: number) => {
    if (b.at + need <= b.text.length) return;
    const next = new Uint8Array(Math.max(b.text.length * 2, b.at + need));
    next.set(b.text.subarray(0, b.at));
    b.text = next;
  };
  /**
   * Everything but the id and timestamp, from an event or from the scanner (the same field names), by name: reading
   * them by key (r[NUMS[k]]) cost more than the scan itself.
   */
  const put = (r: Packed, line: number): number => {
    const i = b.n++;
    b.lines[i] = line;
    const nums = b.nums;
    const o = i * NN;
    nums[o] = r.input_tokens;
    nums[o + 1] = r.cached_input_tokens;
    nums[o + 2] = r.cache_write_tokens;
    nums[o + 3] = r.output_tokens;
    nums[o + 4] = r.units;
    nums[o + 5] = r.cost_usd ?? 0;
    nums[o + 6] = r.cache_write_1h_tokens;
    nums[o + 7] = r.audio_input_tokens;
    nums[o + 8] = r.cached_audio_input_tokens;
    nums[o + 9] = r.image_input_tokens;
    nums[o + 10] = r.cached_image_input_tokens;
    nums[o + 11] = r.audio_output_tokens;
    nums[o + 12] = r.image_output_tokens;
    nums[o + 13] = r.reasoning_tokens;
    nums[o + 14] = r.web_search_requests;
    const d = b.dict;
    const q = i * ND;
    d[q] = r.agent_id === lastS[0] ? lastId[0] : code(0, r.agent_id);
    d[q + 1] = r.work_item_id === lastS[1] ? lastId[1] : code(1, r.work_item_id);
    d[q + 2] = r.provider === lastS[2] ? lastId[2] : code(2, r.provider);
    d[q + 3] = r.model === lastS[3] ? lastId[3] : code(3, r.model);
    d[q + 4] = r.kind === lastS[4] ? lastId[4] : code(4, r.kind);
    d[q + 5] = r.status === lastS[5] ? lastId[5] : code(5, r.status);
    d[q + 6] = r.service_tier === lastS[6] ? lastId[6] : code(6, r.service_tier);
    d[q + 7] = r.context_tier === lastS[7] ? lastId[7] : code(7, r.context_tier);
    d[q + 8] = r.line_item === lastS[8] ? lastId[8] : code(8, r.line_item);
    b.flags[i] = (r.batch ? 1 : 0) | (r.cost_usd === null ? 2 : 0);
    return i;
  };
  const report = await importFile(path, {
    kind: 'usage', fileName: opts.fileName, maxRejectedListed: opts.maxRejectedListed, progressEvery: opts.progressEvery, worker: false,
    onProgress: (n) => parentPort!.postMessage({ progress: n } satisfies Progress),
    // rows the byte scanner accepted: ASCII, the id and timestamp copied as bytes (no string made on this side)
    scanned: (sc, bytes, line) => {
      const i = put(sc, line);
      const idLen = sc.idEnd - sc.idStart;
      const tsLen = sc.tsEnd - sc.tsStart;
      room(idLen + tsLen);
      const t = b.text;
      let at = b.at;
      for (let j = sc.idStart; j < sc.idEnd; j++) t[at++] = bytes[j];
      for (let j = sc.tsStart; j < sc.tsEnd; j++) t[at++] = bytes[j];
      b.at = at;
      b.lens[2 * i] = idLen;
      b.lens[2 * i + 1] = tsLen;
      if (b.n === BATCH) flush();
    },
    // rows the text path read (any text): the id and timestamp as strings
    sink: (e, line) => {
      const i = put(e, line);
      b.strs.push(e.event_id, e.timestamp);
      b.flags[i] |= 4;
      if (b.n === BATCH) flush();
    },
  });
  flush();
  parentPort!.postMessage({ done: report } satisfies Done);
}

/**
 * importFile for a usage file with the reading on a worker thread. Same records to the sink in the same order, same
 * report. Rejects when the worker cannot start (the caller then reads in-thread).
 */
export function importUsageInWorker(path: string, opts: Omit<ImportOptions<'usage'>, 'input' | 'head'> & { fileName: string }): Promise<ImportReport> {
  const inflight = new SharedArrayBuffer(4);
  const flight = new Int32Array(inflight);
  const workerIn: WorkerInput = { path, opts: { fileName: opts.fileName, maxRejectedListed: opts.maxRejectedListed, progressEvery: opts.progressEvery }, inflight };
  // The CLI runs TypeScript through tsx; the worker registers it too, then runs this module's workerMain.
  if (process.env.LEDGER_DEBUG_WORKER) process.stderr.write(`usage worker: ${path}\n`);
  const nodeModule = __filename.replace(/usage-worker(\.[cm]?[jt]s)$/, 'node$1');
  const worker = new Worker(
    `require('tsx/cjs'); const { importFile } = require(${JSON.stringify(nodeModule)}); require(${JSON.stringify(__filename)}).workerMain(importFile).catch((e) => { throw e; });`,
    // scanned rows make no objects on that side: a small young generation is enough, and keeps the peak down
    { eval: true, workerData: workerIn, resourceLimits: { maxYoungGenerationSizeMb: 8 } },
  );
  const dict: string[] = [];
  let duplicates = 0;
  let delivered = 0;
  let conflicts = 0;
  const conflictRows: RejectedRow[] = [];
  const maxListed = opts.maxRejectedListed ?? 10_000;
  return new Promise<ImportReport>((resolve, reject) => {
    let started = false;
    let failed: Error | null = null;
    let settled = false;
    const consume = (b: Batch) => {
      for (const s of b.added) dict.push(s);
      const { nums, lens, flags } = b;
      const d = b.dict;
      const text = Buffer.from(b.text.buffer, b.text.byteOffset, b.at);
      let at = 0;
      let str = 0;
      for (let i = 0; i < b.n; i++) {
        const o = i * NN;
        const q = i * ND;
        let event_id: string;
        let timestamp: string;
        if ((flags[i] & 4) === 4) {
          event_id = b.strs[str++];
          timestamp = b.strs[str++];
        } else {
          const idLen = lens[2 * i];
          const tsLen = lens[2 * i + 1];
          event_id = ascii(text, at, at + idLen);
          timestamp = ascii(text, at + idLen, at + idLen + tsLen);
          at += idLen + tsLen;
        }
        // The key order of usage-fast.ts's object.
        const e: UsageEvent = {
          event_id, timestamp, agent_id: dict[d[q]], work_item_id: dict[d[q + 1]], provider: dict[d[q + 2]], model: dict[d[q + 3]],
          kind: dict[d[q + 4]] as UsageEvent['kind'], input_tokens: nums[o], cached_input_tokens: nums[o + 1], cache_write_tokens: nums[o + 2],
          output_tokens: nums[o + 3], units: nums[o + 4], status: dict[d[q + 5]] as UsageEvent['status'], batch: (flags[i] & 1) === 1,
          cost_usd: (flags[i] & 2) === 2 ? null : nums[o + 5], service_tier: dict[d[q + 6]], context_tier: dict[d[q + 7]] as UsageEvent['context_tier'],
          cache_write_1h_tokens: nums[o + 6], audio_input_tokens: nums[o + 7], cached_audio_input_tokens: nums[o + 8], image_input_tokens: nums[o + 9],
          cached_image_input_tokens: nums[o + 10], audio_output_tokens: nums[o + 11], image_output_tokens: nums[o + 12], reasoning_tokens: nums[o + 13],
          web_search_requests: nums[o + 14], line_item: dict[d[q + 8]],
        };
        delivered++;
        const r = opts.sink(e, b.lines[i]);
        if (r === 'duplicate') duplicates++;
        else if (r === 'conflict') {
          conflicts++;
          if (conflictRows.length < maxListed) conflictRows.push(conflictRejection(opts.fileName, 'usage', b.lines[i], e));
        }
      }
    };
    worker.on('message', (m: Batch | Done | Progress) => {
      started = true;
      if (failed) return;
      try {
        if ('progress' in m) opts.onProgress?.(m.progress);
        else if ('done' in m) {
          const rep = m.done;
          rep.accepted -= duplicates + conflicts;
          rep.duplicates += duplicates;
          rep.conflicts += conflicts;
          rep.rejectedCount += conflicts;
          if (conflictRows.length) rep.rejected = mergeByLine(rep.rejected, conflictRows, maxListed);
          settled = true;
          resolve(rep);
          void worker.terminate();
        } else {
          consume(m);
          worker.postMessage(m, [m.lines.buffer, m.nums.buffer, m.dict.buffer, m.flags.buffer, m.text.buffer, m.lens.buffer] as ArrayBuffer[]);
          Atomics.sub(flight, 0, 1);
          Atomics.notify(flight, 0);
        }
      } catch (e) {
        // As in this thread (importRecords): an error while reading or in the sink ends the import with `fatal`.
        failed = e as Error;
        void worker.terminate();
        settled = true;
        resolve({
          file: opts.fileName, kind: 'usage', read: delivered, accepted: delivered - 1 - duplicates - conflicts, rejectedCount: conflicts, rejected: conflictRows,
          duplicates, conflicts, ignoredColumns: [], duplicateColumns: [], lines: 0, linesAccounted: 0,
          fatal: clip(`${opts.fileName}: could not be read (${(e as Error).message})`, 400),
        });
      }
    });
    worker.on('error', (e) => {
      if (failed) return;
      failed = e;
      reject(Object.assign(e, { beforeStart: !started }));
    });
    worker.on('exit', (code) => {
      if (!failed && !settled) reject(Object.assign(new Error(`the usage reader stopped (exit ${code})`), { beforeStart: !started }));
    });
  });
}

/** Two line-ordered rejection lists as one, line-ordered, cut at `max`. */
function mergeByLine(a: RejectedRow[], b: RejectedRow[], max: number): RejectedRow[] {
  const out: RejectedRow[] = [];
  let i = 0;
  let j = 0;
  while (out.length < max && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && a[i].line <= b[j].line)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}
