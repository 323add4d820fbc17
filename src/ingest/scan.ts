/**
 * A byte scanner over a JSON state file that finds the resource list
 * (`deployment.resources`, `checkpoint.latest.resources` or `latest.resources`)
 * without decoding the file into one string: the bytes outside that list are
 * the header (with the list left as `[]`), the list's elements are handed
 * over in batches of whole elements, as bytes. It tracks strings, escapes and
 * nesting (refusing more than MAX_JSON_DEPTH levels), the separators
 * between elements and the bytes JSON never holds outside a string (a NUL of
 * a file never fully written ends the scan there, not at the end of the
 * file); everything else is left to JSON.parse of the header and of each
 * batch, so what it accepts is what JSON.parse of the whole accepts. Where it
 * finds a fault, a parse of what it passed and no parse saw yet (the pending
 * batch, the element at hand) may find an earlier one: that is the fault.
 * A pretty-printed list is cut by guessing (guessCuts): the reader checks the
 * guess by parsing each batch, and scans again with `guess: false` when one fails.
 */
import { jsonFault, MAX_JSON_DEPTH, utf8BomLength } from './json.js';

/** The paths of a state's resource list, by envelope. */
export const RESOURCE_PATHS: readonly string[] = ['deployment.resources', 'checkpoint.latest.resources', 'latest.resources'];
const PREFIXES = new Set(['', 'deployment', 'checkpoint', 'checkpoint.latest', 'latest']);

/** Where the scan found the text not to be JSON: a byte offset in the file. */
export class ScanFault extends Error {
  constructor(
    readonly at: number,
    readonly expected: string,
    /** Where the resource list was found (file offsets, as in ScanResult; -1 when not yet). */
    readonly listStart = -1,
    readonly listEnd = -1,
  ) {
    super(`invalid JSON at byte ${at}: expected ${expected}`);
  }
}

export interface ScanSink {
  /** Bytes of the header, in order (a copy, or a view the sink must copy before the next call). */
  header(bytes: Uint8Array): void;
  /**
   * Whole elements of the resource list as one JSON array: `[`, the bytes from the first's start to the last's end, `]`
   * (a view of a buffer the scanner reuses once this call and its promise are done: copy the bytes to keep them);
   * `at` is the file offset of the first. With `index` -1 (a guessed cut, see scanState), the count and index are not
   * known: the batch is what lies between two cuts only if it parses as a JSON array.
   */
  batch(bytes: Uint8Array, count: number, at: number, index: number, path: string): void | Promise<void>;
}

interface Frame {
  array: boolean;
  /** The dotted key path of this container when it could lead to a resource list, else undefined. */
  path: string | undefined;
  key: string | undefined;
  expectKey: boolean;
  seen?: Set<string>;
}

/** The result of a scan: which resource list was found (if any) and how many elements it had. */
export interface ScanResult {
  path?: string;
  /** Elements of the list (only those after the last guessed cut when guessCuts cut it; streamState counts them all). */
  elements: number;
  /** A key on the way to a resource list was repeated: the reader must fall back to a whole parse. */
  duplicate: boolean;
  /** File offsets just after the list's `[` and of its `]` (the header leaves out what lies between). */
  listStart: number;
  listEnd: number;
}

const WS = new Uint8Array(256);
WS[0x20] = WS[0x0a] = WS[0x0d] = WS[0x09] = 1;
/** Bytes of a number or of true, false, null. */
const SCALAR = new Uint8Array(256);
for (const c of '0123456789+-.eEtrufalsn') SCALAR[c.charCodeAt(0)] = 1;
/** Bytes JSON may hold outside strings: any other one (a NUL of a file never fully written, say) is a fault where it is. */
const JSON_BYTE = new Uint8Array(256);
for (let b = 0; b < 256; b++) JSON_BYTE[b] = WS[b]! | SCALAR[b]!;
for (const c of '{}[],:"') JSON_BYTE[c.charCodeAt(0)] = 1;
/** Inside an element, by byte: 0 nothing to do, 1 a quote, 2 an opening bracket, 3 a closing one, 4 no JSON. */
const INNER = new Uint8Array(256);
for (let b = 0; b < 256; b++) INNER[b] = JSON_BYTE[b] ? 0 : 4;
INNER[0x22] = 1;
INNER[0x7b] = INNER[0x5b] = 2;
INNER[0x7d] = INNER[0x5d] = 3;

/**
 * Guessing gives up when this many bytes past a batch's start hold no separator (an element this large, or no
 * pretty-printed list after all): the rest is scanned exactly, so the window never grows to the size of the file.
 */
const GUESS_REACH_BATCHES = 32;

/**
 * Scan a file read by `read(buffer, offset) -> bytes read` in chunks of
 * `chunkBytes`, handing header bytes and element batches of about
 * `batchBytes` to the sink.
 */
export async function scanState(
  read: (into: Buffer) => number,
  sink: ScanSink,
  options: { chunkBytes?: number; batchBytes?: number; guess?: boolean } = {},
): Promise<ScanResult> {
  const chunkBytes = options.chunkBytes ?? 8 * 2 ** 20;
  const batchBytes = options.batchBytes ?? 2 * 2 ** 20;
  let win: Buffer = Buffer.alloc(0);
  let winBuffer = win; // the whole buffer win is a view of
  let spare = win; // the previous window's buffer, to read into next
  let winStart = 0; // file offset of win[0]
  let eof = false;
  let i = 0; // index into win of the next byte to look at
  const stack: Frame[] = [];
  let headerFrom = 0; // win index where unflushed header bytes start; -1 while inside the list
  let inList = false;
  let listDepth = 0; // stack length of the list frame
  let elemStart = -1; // win index of the open element, -1 if none
  let inner = 0; // nesting inside the open element
  let batchStart = -1; // win index of the first element of the pending batch
  let batchEnd = -1; // win index after the last whole element of the pending batch
  let batchCount = 0;
  let elements = 0;
  let afterElement = false; // an element just ended: only `,` or `]` may follow
  let afterComma = false; // a `,` between elements: an element must follow
  const result: ScanResult = { elements: 0, duplicate: false, listStart: -1, listEnd: -1 };
  let found: string | undefined;
  let unknownIndex = false; // batches were cut by guessCuts: elements are not counted
  // Where to go on looking after a refill, as file offsets (-1: not waiting): for the closing quote of the string
  // at hand, and for the end of a scalar element. Looking again from the start would be quadratic in its length.
  let quoteFrom = -1;
  let scalarFrom = -1;

  const flushHeader = (): void => {
    if (headerFrom >= 0 && i > headerFrom) sink.header(win.subarray(headerFrom, i));
    if (headerFrom >= 0) headerFrom = i;
  };
  const flushBatch = async (): Promise<void> => {
    if (batchCount === 0) return;
    const count = batchCount;
    const index = unknownIndex ? -1 : elements - count;
    const start = batchStart;
    const end = batchEnd;
    batchStart = batchEnd = -1;
    batchCount = 0;
    await emit(start, end, count, index);
  };
  // The batches are copied into one buffer, reused: a fresh 2 MB buffer per batch cost page faults and zeroing (the
  // scanner's emit, 100k resources with --jobs 1: about 96 ms of CPU; a sink that keeps the bytes copies them).
  let scratch = new Uint8Array(0);
  /**
   * Hand over win[start, end) (whole elements) in brackets, one JSON array, as a view of a buffer that is reused once the
   * sink's call (and its promise) is done: the window moves on, and a sink that keeps the bytes (a worker's) copies them.
   */
  const emit = (start: number, end: number, count: number, index: number): void | Promise<void> => {
    const size = end - start + 2;
    if (scratch.length < size) scratch = new Uint8Array(Math.max(size, batchBytes + (batchBytes >> 2)));
    const bytes = scratch.subarray(0, size);
    bytes[0] = 0x5b;
    bytes.set(win.subarray(start, end), 1);
    bytes[bytes.length - 1] = 0x5d;
    return sink.batch(bytes, count, winStart + start, index, found!);
  };
  /** Read more; keeps the bytes still needed. Returns false at the end of the file. */
  const refill = (): boolean => {
    if (eof) return false;
    flushHeader();
    let keep = i;
    if (headerFrom >= 0) keep = Math.min(keep, headerFrom);
    if (elemStart >= 0) keep = Math.min(keep, elemStart);
    if (batchStart >= 0) keep = Math.min(keep, batchStart);
    const rest = win.length - keep;
    const need = rest + chunkBytes;
    if (keep === 0 && winBuffer.length >= win.length + chunkBytes) {
      // Nothing to drop (one element or string spans windows) and room behind: read on in place, no copy.
      const n = read(winBuffer.subarray(win.length, win.length + chunkBytes));
      if (n === 0) eof = true;
      win = winBuffer.subarray(0, win.length + n);
      return n > 0;
    }
    // The window before this one is free again (batches and header bytes are copies): reading into memory already
    // touched costs a fifth of reading into fresh pages, which the system must zero first. A window that must keep
    // much grows to twice that, so a long element is copied a bounded number of times, not once per chunk.
    const next = spare.length >= need ? spare : Buffer.allocUnsafe(Math.max(need, 2 * chunkBytes, 2 * rest));
    win.copy(next, 0, keep);
    const n = read(next.subarray(rest, need));
    if (n === 0) eof = true;
    const shift = keep;
    spare = winBuffer;
    winBuffer = next;
    win = next.subarray(0, rest + n);
    winStart += shift;
    i -= shift;
    if (headerFrom >= 0) headerFrom -= shift;
    if (elemStart >= 0) elemStart -= shift;
    if (batchStart >= 0) batchStart -= shift;
    if (batchEnd >= 0) batchEnd -= shift;
    return n > 0;
  };
  /** A fault at a win index, whose text (decoded from win[from]) is read up to `offset`. */
  const faultIn = (from: number, text: string, offset: number, expected: string): ScanFault =>
    new ScanFault(winStart + from + Buffer.byteLength(text.slice(0, offset)), expected, result.listStart, result.listEnd);
  /**
   * The first fault in list bytes the scan has passed and no parse has seen yet, before win index `upTo`: in the batch
   * not yet handed over, then in the element at hand (the scan tracks only strings and nesting there, so `{"a"]` ends an
   * element for it while a parse stops at the `]`).
   */
  const parsedFault = (upTo: number): ScanFault | undefined => {
    if (!inList) return undefined;
    if (batchStart >= 0 && batchEnd > batchStart) {
      const text = win.toString('utf8', batchStart, batchEnd);
      const f = jsonFault(`[${text}]`, MAX_JSON_DEPTH - listDepth + 1);
      if (f && f.offset >= 1 && f.offset <= text.length) return faultIn(batchStart, text, f.offset - 1, f.expected);
    }
    if (elemStart >= 0 && upTo > elemStart) {
      const text = win.toString('utf8', elemStart, upTo);
      const f = jsonFault(text, MAX_JSON_DEPTH - listDepth);
      if (f && f.offset < text.length) return faultIn(elemStart, text, f.offset, f.expected);
    }
    return undefined;
  };
  /** The scan found the text not JSON at i; the first fault is there or earlier (parsedFault up to `upTo`). */
  const fault = (expected: string, upTo = i): never => {
    throw parsedFault(upTo) ?? new ScanFault(winStart + i, expected, result.listStart, result.listEnd);
  };
  /**
   * A byte at i that JSON never holds outside a string: the fault is there or earlier. In the header, the reader
   * looks for an earlier one in what it was given, up to and with this byte.
   */
  const badByte = (): never => {
    if (!inList && headerFrom >= 0) {
      i++;
      flushHeader();
      i--;
    }
    return fault('a value', i + 1);
  };
  /** The index after the string starting at `from` (a quote), or -1 when the window ends first. */
  const stringEnd = (from: number): number => {
    let j = quoteFrom >= 0 ? quoteFrom - winStart : from + 1;
    for (;;) {
      j = win.indexOf(0x22, j);
      if (j < 0) {
        quoteFrom = winStart + win.length;
        return -1;
      }
      let k = j - 1;
      while (win[k] === 0x5c) k--;
      if (((j - 1 - k) & 1) === 0) {
        quoteFrom = -1;
        return j + 1;
      }
      j++;
    }
  };

  // A UTF-8 byte order mark is no part of the JSON (as parseJson skips it): looked for once, in the first bytes read.
  if (refill()) i = headerFrom = utf8BomLength(win);
  for (;;) {
    if (i >= win.length) {
      if (!refill()) break;
      continue;
    }
    if (inner > 0) {
      // Inside an element of the resource list: only strings and nesting matter.
      const len = win.length;
      let ended = false;
      let short = false;
      while (i < len) {
        const t = INNER[win[i]!]!;
        if (t === 0) {
          i++;
          continue;
        }
        if (t === 1) {
          const j = stringEnd(i);
          if (j < 0) {
            short = true;
            break;
          }
          i = j;
          continue;
        }
        if (t === 2) {
          if (listDepth + inner >= MAX_JSON_DEPTH) fault(`at most ${MAX_JSON_DEPTH} levels of nesting`);
          inner++;
        } else if (t === 3) {
          if (--inner === 0) {
            i++;
            ended = true;
            break;
          }
        } else badByte();
        i++;
      }
      if (ended) {
        endElement();
        if (batchEnd - batchStart >= batchBytes) await flushBatch();
      } else if (short && !refill()) fault('a closing quote');
      continue;
    }
    const c = win[i]!;
    if (inList) {
      if (elemStart < 0) {
        // Between elements of the resource list.
        if (WS[c]) {
          i++;
          continue;
        }
        if (c === 0x2c) {
          if (!afterElement) fault('a resource (object) or `]`');
          afterElement = false;
          afterComma = true;
          i++;
          continue;
        }
        if (c === 0x5d) {
          if (afterComma) fault('a value (object, array, string, number, true, false or null)');
          await flushBatch();
          inList = false;
          afterElement = afterComma = false;
          stack.pop();
          headerFrom = i; // the header keeps `[` and `]`
          result.listEnd = winStart + i;
          i++;
          continue;
        }
        if (afterElement) fault('`,` or `]`');
        afterComma = false;
        elemStart = i;
        if (c === 0x7b || c === 0x5b) {
          if (listDepth >= MAX_JSON_DEPTH) fault(`at most ${MAX_JSON_DEPTH} levels of nesting`);
          inner = 1;
          i++;
          continue;
        }
      }
      // A scalar element from elemStart (i): a string, or a number, true, false or null up to the next separator
      // (JSON.parse of the batch checks it). After a refill, the scan goes on where it stopped.
      let j: number;
      if (win[elemStart] === 0x22) {
        j = stringEnd(elemStart);
        if (j < 0) {
          if (!refill()) fault('a closing quote');
          continue;
        }
      } else {
        j = scalarFrom >= 0 ? scalarFrom - winStart : elemStart;
        while (j < win.length && SCALAR[win[j]!]) j++;
        if (j < win.length && !WS[win[j]!] && win[j] !== 0x2c && win[j] !== 0x5d) {
          i = j;
          badByte();
        }
        if (j >= win.length && !eof) {
          scalarFrom = winStart + j;
          if (!refill()) fault('`,` or `]`');
          continue;
        }
        scalarFrom = -1;
      }
      i = j;
      endElement();
      if (batchEnd - batchStart >= batchBytes) await flushBatch();
      continue;
    }
    if (c === 0x22) {
      const j = stringEnd(i);
      if (j < 0) {
        if (!refill()) fault('a closing quote');
        continue;
      }
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        const raw = win.toString('utf8', i, j);
        let key: string;
        try {
          key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        } catch {
          key = raw; // an invalid escape: JSON.parse of the header reports it
        }
        if (top.path !== undefined) {
          // On the way to a resource list a repeated key (JSON.parse keeps the last) is left to a whole parse.
          const seen = (top.seen ??= new Set());
          if (seen.has(key)) result.duplicate = true;
          else seen.add(key);
        }
        top.key = key;
        top.expectKey = false;
      }
      i = j;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_JSON_DEPTH) fault(`at most ${MAX_JSON_DEPTH} levels of nesting`);
      const top = stack[stack.length - 1];
      let path: string | undefined;
      if (!inList) {
        if (!top) path = '';
        else if (!top.array && top.path !== undefined && top.key !== undefined) {
          const p = top.path === '' ? top.key : `${top.path}.${top.key}`;
          if (PREFIXES.has(p) || RESOURCE_PATHS.includes(p)) path = p;
        }
      }
      if (path !== undefined && c === 0x5b && RESOURCE_PATHS.includes(path)) {
        if (found !== undefined) result.duplicate = true;
        if (found === undefined) {
          found = path;
          i++;
          result.listStart = winStart + i;
          flushHeader(); // up to and including `[`
          headerFrom = -1;
          stack.push({ array: true, path, key: undefined, expectKey: false });
          inList = true;
          listDepth = stack.length;
          if (options.guess !== false) await guessCuts();
          continue;
        }
      }
      stack.push({ array: c === 0x5b, path: c === 0x7b ? path : undefined, key: undefined, expectKey: c === 0x7b });
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
      continue;
    }
    if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top && !top.array) top.expectKey = true;
    } else if (!JSON_BYTE[c]) badByte();
    i++;
  }
  if (inList) fault('`]` (the file ends inside the resource list)');
  flushHeader();
  result.path = found;
  result.elements = elements;
  return result;

  /**
   * A pretty-printed list (`[`, white space with a line break, `{`) is cut without looking at each byte: the
   * elements are objects, and the separator between two of them is `},` followed by the same white space
   * (Go's json.MarshalIndent and JSON.stringify indent so). A raw line break cannot lie inside a JSON string, so
   * where that separator occurs inside an element, the cut is deeper than the list; JSON.parse of the batch then
   * fails (and of any batch that starts or ends at a wrong cut), and the reader scans the file again exactly
   * (guess: false). The last elements, after the last cut, are scanned here as ever.
   */
  async function guessCuts(): Promise<void> {
    let j = i;
    while (j < win.length && WS[win[j]!]) j++;
    if (j >= win.length || win[j] !== 0x7b) return;
    const gap = win.subarray(i, j);
    if (!gap.includes(0x0a)) return;
    const sep = Buffer.concat([Buffer.from('},'), gap, Buffer.from('{')]);
    unknownIndex = true;
    const first = j;
    let start = j; // the start of an element
    for (;;) {
      const from = start + batchBytes;
      const k = from + sep.length <= win.length ? win.indexOf(sep, from) : -1;
      if (k >= 0) {
        i = k + sep.length - 1;
        await emit(start, k + 1, -1, -1);
        start = i;
        continue;
      }
      if (eof || win.length - start > GUESS_REACH_BATCHES * batchBytes) break;
      // Read on, keeping the bytes from `start`.
      i = elemStart = start;
      const more = refill();
      start = elemStart;
      elemStart = -1;
      if (!more) break;
    }
    // The rest by the exact scan, from the start of an element.
    i = start;
    afterComma = start !== first;
  }

  function endElement(): void {
    if (batchStart < 0) batchStart = elemStart;
    batchEnd = i;
    batchCount++;
    elements++;
    elemStart = -1;
    afterElement = true;
  }
}
