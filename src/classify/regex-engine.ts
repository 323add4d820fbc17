/**
 * Bounds on the time a rule pack's regular expression takes on input text, without touching process-wide state.
 *
 * The built-in packs' patterns (rules/, checked by their tests) run in V8's RegExp on texts up to REGEXP_TEXT_LIMIT
 * characters (BuiltinPattern). Every other pattern (a user pack's), and a built-in one on a longer text, runs here: JavaScript's pattern syntax (no flags, as packs give none) read into a program and run as a Pike VM over
 * the text's UTF-16 code units, keeping every thread at once (one per program position, the first to reach a position
 * wins, as backtracking would try it first). Time is at most the program's size times the text's length: `(a+)+$`
 * against 5,000 `a` and a `!` is some 50,000 steps, where V8 backtracks for ever. The answers are RegExp's, its
 * leftmost-first match and its groups (a group inside a repeat is reset at each iteration, as ECMAScript says).
 *
 * Lookarounds and backreferences cannot run in such a program: a user pack holding one is refused when it loads
 * (src/classify/schema.ts), as are repeat counts over 1,000 and programs over MAX_PROGRAM steps. Nothing here sets a
 * V8 flag: a library user's own regular expressions behave as they did before firebreak was imported.
 */

/** A compiled pattern: BuiltinPattern for the built-in packs, LinearPattern for the rest; RegExp reads the same. */
export interface TextPattern {
  readonly source: string;
  test(text: string): boolean;
  exec(text: string): PatternMatch | null;
}
/** The match (0) and its groups (1...), undefined for a group that took no part; index where it starts. */
export type PatternMatch = Array<string | undefined> & { index: number };

/** Why a pattern cannot run in linear time (a lookahead, a backreference, its size); the message names no input bytes. */
export class UnsupportedPattern extends Error {}

/** The largest program run; the built-in packs' longest pattern needs a few hundred steps. */
const MAX_PROGRAM = 5_000;
/** The largest repeat count (`a{1000}`), as RE2. */
const MAX_REPEAT = 1_000;
/** The deepest nesting of repeats: a step is told apart by how many of its iterations have matched nothing yet. */
const MAX_NESTING = 32;
const MAX_UNIT = 0xffff;

type Ranges = number[]; // sorted, merged [lo, hi, lo, hi, ...] of code units
type Node =
  | { t: 'set'; ranges: Ranges }
  | { t: 'assert'; k: Assertion }
  | { t: 'group'; n?: number; body: Node }
  | { t: 'alt'; alts: Node[] }
  | { t: 'cat'; items: Node[] }
  | { t: 'rep'; body: Node; min: number; max: number; greedy: boolean; groups: [number, number] };
type Assertion = 'start' | 'end' | 'word' | 'not-word';

function normalize(r: Ranges): Ranges {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    if (out.length > 0 && lo <= out[out.length - 1]! + 1) out[out.length - 1] = Math.max(out[out.length - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(r: Ranges): Ranges {
  const n = normalize(r);
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < n.length; i += 2) {
    if (n[i]! > next) out.push(next, n[i]! - 1);
    next = n[i + 1]! + 1;
  }
  if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
  return out;
}

const DIGIT: Ranges = [0x30, 0x39];
const WORD: Ranges = normalize([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
// ECMAScript WhiteSpace and LineTerminator: what `\s` matches.
const SPACE: Ranges = normalize([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]);
const DOT: Ranges = complement([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);
const CLASS_ESCAPES: Record<string, Ranges> = { d: DIGIT, D: complement(DIGIT), w: WORD, W: complement(WORD), s: SPACE, S: complement(SPACE) };
const CONTROL_ESCAPES: Record<string, number> = { f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };
const isWordUnit = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a);
const HEX = /^[0-9a-fA-F]+$/;
const COUNT = /\{(\d+)(,(\d*))?\}/y;

/** Reads a pattern as RegExp without flags does (Annex B: a `{` that starts no count, a `]` or `}` alone, `\e` are themselves). */
class Parser {
  private i = 0;
  groups = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.s.length) throw new UnsupportedPattern('an unbalanced parenthesis');
    return node;
  }

  private alternation(): Node {
    const alts = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      const before = this.groups;
      const atom = this.atom();
      const q = this.quantifier();
      if (!q) {
        items.push(atom);
        continue;
      }
      if (atom.t === 'assert') throw new UnsupportedPattern('a repeated assertion');
      items.push({ t: 'rep', body: atom, ...q, groups: [before + 1, this.groups] });
    }
    return items.length === 1 ? items[0]! : { t: 'cat', items };
  }

  /** A count `{n}`, `{n,}`, `{n,m}` at i, or undefined (then `{` is a literal character). */
  private count(): { min: number; max: number; end: number } | undefined {
    COUNT.lastIndex = this.i;
    const m = COUNT.exec(this.s);
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { min, max, end: this.i + m[0].length };
  }

  private quantifier(): { min: number; max: number; greedy: boolean } | undefined {
    const c = this.s[this.i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
      this.i++;
    } else if (c === '{' && this.count()) {
      const n = this.count()!;
      ({ min, max } = n);
      this.i = n.end;
    } else return undefined;
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) throw new UnsupportedPattern(`a repeat count over ${MAX_REPEAT.toLocaleString('en-US')}`);
    if (max < min) throw new UnsupportedPattern('a repeat count out of order');
    const greedy = this.s[this.i] !== '?';
    if (!greedy) this.i++;
    return { min, max, greedy };
  }

  private atom(): Node {
    const s = this.s;
    const c = s[this.i]!;
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'assert', k: c === '^' ? 'start' : 'end' };
    }
    if (c === '.') {
      this.i++;
      return { t: 'set', ranges: DOT };
    }
    if (c === '(') {
      if (s.startsWith('(?=', this.i) || s.startsWith('(?!', this.i)) throw new UnsupportedPattern('a lookahead');
      if (s.startsWith('(?<=', this.i) || s.startsWith('(?<!', this.i)) throw new UnsupportedPattern('a lookbehind');
      let n: number | undefined;
      if (s.startsWith('(?:', this.i)) this.i += 3;
      else if (s.startsWith('(?<', this.i)) {
        const close = s.indexOf('>', this.i);
        if (close < 0) throw new UnsupportedPattern('an unterminated group name');
        this.i = close + 1;
        n = ++this.groups;
      } else if (s[this.i + 1] === '?') throw new UnsupportedPattern('a group modifier');
      else {
        this.i++;
        n = ++this.groups;
      }
      const body = this.alternation();
      if (s[this.i] !== ')') throw new UnsupportedPattern('an unbalanced parenthesis');
      this.i++;
      return { t: 'group', ...(n !== undefined ? { n } : {}), body };
    }
    if (c === '[') return this.characterClass();
    if (c === '*' || c === '+' || c === '?' || (c === '{' && this.count())) throw new UnsupportedPattern('a repeat of nothing');
    if (c === '\\') {
      const e = this.escape(false);
      if (typeof e === 'string') return { t: 'assert', k: e };
      return { t: 'set', ranges: Array.isArray(e) ? e : [e, e] };
    }
    this.i++;
    const u = c.charCodeAt(0);
    return { t: 'set', ranges: [u, u] };
  }

  /** The escape at i (a backslash): a code unit, a set, or (outside a class) a word-boundary assertion. */
  private escape(inClass: boolean): number | Ranges | Assertion {
    const s = this.s;
    const c = s[this.i + 1];
    if (c === undefined) throw new UnsupportedPattern('a trailing backslash');
    this.i += 2;
    if (Object.hasOwn(CLASS_ESCAPES, c)) return CLASS_ESCAPES[c]!;
    if (Object.hasOwn(CONTROL_ESCAPES, c)) return CONTROL_ESCAPES[c]!;
    if (c === 'b') return inClass ? 0x08 : 'word';
    if (c === 'B' && !inClass) return 'not-word';
    if (c === 'c') {
      const l = s[this.i];
      if (l === undefined || !/[A-Za-z]/.test(l)) throw new UnsupportedPattern('a control escape without a letter');
      this.i++;
      return l.charCodeAt(0) % 32;
    }
    if (c === 'x' || c === 'u') {
      const len = c === 'x' ? 2 : 4;
      const hex = s.slice(this.i, this.i + len);
      if (hex.length === len && HEX.test(hex)) {
        this.i += len;
        return parseInt(hex, 16);
      }
      return c.charCodeAt(0);
    }
    if (c === '0' && !/[0-9]/.test(s[this.i] ?? '')) return 0;
    if (/[0-9]/.test(c) || c === 'k') throw new UnsupportedPattern('a backreference (or an octal escape)');
    return c.charCodeAt(0);
  }

  private classAtom(): number | Ranges {
    if (this.s[this.i] === '\\') return this.escape(true) as number | Ranges;
    return this.s.charCodeAt(this.i++);
  }

  private characterClass(): Node {
    const s = this.s;
    this.i++;
    const negated = s[this.i] === '^';
    if (negated) this.i++;
    const ranges: Ranges = [];
    const add = (a: number | Ranges): void => void (Array.isArray(a) ? ranges.push(...a) : ranges.push(a, a));
    while (s[this.i] !== ']') {
      if (this.i >= s.length) throw new UnsupportedPattern('an unterminated character class');
      const lo = this.classAtom();
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
        this.i++;
        const hi = this.classAtom();
        // Annex B: a range with a class escape at either end is the escape, `-` and the other end.
        if (Array.isArray(lo) || Array.isArray(hi)) {
          add(lo);
          add(0x2d);
          add(hi);
        } else if (lo > hi) throw new UnsupportedPattern('a character range out of order');
        else ranges.push(lo, hi);
      } else add(lo);
    }
    this.i++;
    const set = normalize(ranges);
    return { t: 'set', ranges: negated ? complement(set) : set };
  }
}

type Inst =
  | { op: 'set'; ranges: Ranges; ascii: Uint8Array }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'save'; n: number }
  | { op: 'reset'; from: number; to: number }
  | { op: 'assert'; k: Assertion }
  | { op: 'mark'; n: number }
  | { op: 'check'; n: number }
  | { op: 'match' };

/**
 * The program; its slots: two per group (0 the match), then one per repeat (where its iteration began); and per step,
 * the slots of the optional iterations it lies in, outermost first.
 */
function compile(root: Node, groups: number): { prog: Inst[]; slots: number; within: number[][]; depth: number } {
  const prog: Inst[] = [];
  const within: number[][] = [];
  let slots = 2 * (groups + 1);
  let open: number[] = [];
  let depth = 0;
  const push = (inst: Inst): number => {
    if (prog.length >= MAX_PROGRAM) throw new UnsupportedPattern(`a pattern over ${MAX_PROGRAM.toLocaleString('en-US')} steps`);
    within.push(open);
    return prog.push(inst) - 1;
  };
  const setInst = (ranges: Ranges): Inst => {
    const ascii = new Uint8Array(128);
    for (let i = 0; i < ranges.length; i += 2) for (let c = ranges[i]!; c <= Math.min(ranges[i + 1]!, 127); c++) ascii[c] = 1;
    return { op: 'set', ranges, ascii };
  };
  // ECMAScript: each iteration starts with the groups inside unset, and one past the minimum that matches nothing fails.
  const iteration = (n: Extract<Node, { t: 'rep' }>, optional: number | undefined): void => {
    const outer = open;
    if (optional !== undefined) {
      push({ op: 'mark', n: optional });
      open = [...outer, optional];
      depth = Math.max(depth, open.length);
      if (depth > MAX_NESTING) throw new UnsupportedPattern(`repeats nested over ${MAX_NESTING} deep`);
    }
    if (n.groups[0] <= n.groups[1]) push({ op: 'reset', from: 2 * n.groups[0], to: 2 * n.groups[1] + 1 });
    emit(n.body);
    if (optional !== undefined) push({ op: 'check', n: optional });
    open = outer;
  };
  const emit = (n: Node): void => {
    switch (n.t) {
      case 'set':
        push(setInst(n.ranges));
        return;
      case 'assert':
        push({ op: 'assert', k: n.k });
        return;
      case 'group':
        if (n.n !== undefined) push({ op: 'save', n: 2 * n.n });
        emit(n.body);
        if (n.n !== undefined) push({ op: 'save', n: 2 * n.n + 1 });
        return;
      case 'cat':
        for (const item of n.items) emit(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.alts.forEach((alt, k) => {
          const last = k === n.alts.length - 1;
          const split = last ? -1 : push({ op: 'split', x: 0, y: 0 });
          if (!last) (prog[split] as { x: number }).x = prog.length;
          emit(alt);
          if (!last) {
            jumps.push(push({ op: 'jmp', x: 0 }));
            (prog[split] as { y: number }).y = prog.length;
          }
        });
        for (const j of jumps) (prog[j] as { x: number }).x = prog.length;
        return;
      }
      case 'rep': {
        for (let k = 0; k < n.min; k++) iteration(n, undefined);
        const slot = n.max > n.min ? slots++ : undefined;
        const branch = (split: number, body: number, exit: number): void => {
          const s = prog[split] as { x: number; y: number };
          [s.x, s.y] = n.greedy ? [body, exit] : [exit, body];
        };
        if (n.max === Infinity) {
          const split = push({ op: 'split', x: 0, y: 0 });
          iteration(n, slot);
          push({ op: 'jmp', x: split });
          branch(split, split + 1, prog.length);
        } else {
          const splits: number[] = [];
          for (let k = n.min; k < n.max; k++) {
            splits.push(push({ op: 'split', x: 0, y: 0 }));
            iteration(n, slot);
          }
          for (const s of splits) branch(s, s + 1, prog.length);
        }
        return;
      }
    }
  };
  push({ op: 'save', n: 0 });
  emit(root);
  push({ op: 'save', n: 1 });
  push({ op: 'match' });
  return { prog, slots, within, depth };
}

function inSet(inst: Extract<Inst, { op: 'set' }>, c: number): boolean {
  if (c < 128) return inst.ascii[c] === 1;
  const r = inst.ranges;
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < r[2 * mid]!) hi = mid - 1;
    else if (c > r[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

function assertionHolds(k: Assertion, text: string, pos: number): boolean {
  if (k === 'start') return pos === 0;
  if (k === 'end') return pos === text.length;
  const boundary = (pos > 0 && isWordUnit(text.charCodeAt(pos - 1))) !== (pos < text.length && isWordUnit(text.charCodeAt(pos)));
  return k === 'word' ? boundary : !boundary;
}

/** A pattern run in time linear in the text (times the pattern's size). Throws UnsupportedPattern for one it cannot run. */
export class LinearPattern implements TextPattern {
  private readonly prog: Inst[];
  private readonly groups: number;
  private readonly slots: number;
  private readonly within: number[][];
  private readonly states: number;
  /** Per step and count of empty iterations: the last stamp it was reached at (one stamp per position of a run). */
  private readonly seen: Int32Array;
  private stamp = 0;
  /** Whether the pattern starts with `^`: no thread starts past the text's start. */
  private readonly anchored: boolean;
  private readonly listA: Int32Array;
  private readonly listB: Int32Array;
  private readonly stack: Int32Array;
  /** Instructions the last test or exec visited: linear time is this staying within workBound (tests count it). */
  lastWork = 0;

  constructor(readonly source: string) {
    const parser = new Parser(source);
    const node = parser.parse();
    this.groups = parser.groups;
    const c = compile(node, this.groups);
    ({ prog: this.prog, slots: this.slots, within: this.within } = c);
    this.states = c.depth + 1;
    this.seen = new Int32Array(this.prog.length * this.states);
    const first = this.prog[1]!;
    this.anchored = first.op === 'assert' && first.k === 'start';
    this.listA = new Int32Array(this.prog.length);
    this.listB = new Int32Array(this.prog.length);
    this.stack = new Int32Array(2 * this.prog.length + 2);
  }

  test(text: string): boolean {
    const { prog, states, seen, stack } = this;
    const len = text.length;
    const base = this.stamps(len);
    let list = this.listA;
    let next = this.listB;
    let work = 0;
    // Without groups, a thread is its step alone: lists and the stack are steps, nothing is allocated.
    const add = (to: Int32Array, count: number, pc0: number, pos: number): number => {
      let top = 0;
      stack[top++] = pc0;
      while (top > 0) {
        work++;
        const pc = stack[--top]!;
        if (seen[pc * states] === base + pos) continue;
        seen[pc * states] = base + pos;
        const inst = prog[pc]!;
        if (inst.op === 'jmp') stack[top++] = inst.x;
        else if (inst.op === 'split') {
          stack[top++] = inst.y;
          stack[top++] = inst.x;
        } else if (inst.op === 'assert') {
          if (assertionHolds(inst.k, text, pos)) stack[top++] = pc + 1;
        } else if (inst.op === 'set' || inst.op === 'match') to[count++] = pc;
        else stack[top++] = pc + 1; // save, reset, mark, check: no groups read
      }
      return count;
    };
    let n = add(list, 0, 0, 0);
    for (let pos = 0; ; pos++) {
      const unit = pos < len ? text.charCodeAt(pos) : -1;
      let m = 0;
      for (let t = 0; t < n; t++) {
        const inst = prog[list[t]!]!;
        if (inst.op === 'match') return this.done(work, true);
        if (unit >= 0 && inst.op === 'set' && inSet(inst, unit)) m = add(next, m, list[t]! + 1, pos + 1);
      }
      if (pos >= len) return this.done(work, false);
      if (!this.anchored) m = add(next, m, 0, pos + 1);
      else if (m === 0) return this.done(work, false);
      [list, next] = [next, list];
      n = m;
    }
  }

  private done<T>(work: number, answer: T): T {
    this.lastWork = work;
    return answer;
  }

  /**
   * The most instructions a run over a text this long can visit: each instruction is reached at most once per
   * position and count of empty iterations it lies in (the seen marks), and each reach pushes at most two more.
   */
  workBound(length: number): number {
    return 3 * (length + 2) * this.prog.length * this.states;
  }

  /** The first stamp of a run over a text this long (the seen marks of earlier runs are all below it). */
  private stamps(len: number): number {
    if (this.stamp > 2 ** 30 - len) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    const base = this.stamp + 1;
    this.stamp += len + 1;
    return base;
  }

  exec(text: string): PatternMatch | null {
    const caps = this.run(text);
    if (!caps) return null;
    const out: Array<string | undefined> = [];
    for (let g = 0; g < 2 * (this.groups + 1); g += 2) out.push(caps[g]! < 0 || caps[g + 1]! < 0 ? undefined : text.slice(caps[g], caps[g + 1]));
    return Object.assign(out, { index: caps[0]! });
  }

  /** The Pike VM with groups: the capture slots of the leftmost-first match, or null. */
  private run(text: string): number[] | null {
    const { prog, within, states, seen } = this;
    const len = text.length;
    const base = this.stamps(len);
    let pcs: number[] = [];
    let caps: number[][] = [];
    let nextPcs: number[] = [];
    let nextCaps: number[][] = [];
    const stack: Array<[number, number[]]> = [];
    const none: number[] = new Array<number>(this.slots).fill(-1);
    let matched: number[] | null = null;

    let work = 0;
    const add = (toPcs: number[], toCaps: number[][], pc0: number, caps0: number[], pos: number): void => {
      stack.push([pc0, caps0]);
      while (stack.length > 0) {
        work++;
        const [pc, c] = stack.pop()!;
        const inst = prog[pc]!;
        // An iteration past the minimum that matched nothing fails. Whether it will is what tells two threads at a step
        // apart: how many of the iterations it lies in began here (the innermost ones, as an inner one began later).
        if (inst.op === 'check' && c[inst.n] === pos) continue;
        let empty = 0;
        for (let k = within[pc]!.length - 1; k >= 0 && c[within[pc]![k]!] === pos; k--) empty++;
        const key = pc * states + empty;
        if (seen[key] === base + pos) continue;
        seen[key] = base + pos;
        switch (inst.op) {
          case 'jmp':
            stack.push([inst.x, c]);
            break;
          case 'split':
            stack.push([inst.y, c], [inst.x, c]);
            break;
          case 'save': {
            const copy = c.slice();
            copy[inst.n] = pos;
            stack.push([pc + 1, copy]);
            break;
          }
          case 'check':
            stack.push([pc + 1, c]);
            break;
          case 'mark':
          case 'reset': {
            const copy = c.slice();
            if (inst.op === 'mark') copy[inst.n] = pos;
            else copy.fill(-1, inst.from, inst.to + 1);
            stack.push([pc + 1, copy]);
            break;
          }
          case 'assert':
            if (assertionHolds(inst.k, text, pos)) stack.push([pc + 1, c]);
            break;
          default:
            toPcs.push(pc);
            toCaps.push(c);
        }
      }
    };

    add(pcs, caps, 0, none, 0);
    for (let pos = 0; ; pos++) {
      const unit = pos < len ? text.charCodeAt(pos) : -1;
      for (let t = 0; t < pcs.length; t++) {
        const inst = prog[pcs[t]!]!;
        if (inst.op === 'match') {
          matched = caps[t]!;
          break; // the threads after it come later in RegExp's order: cut
        }
        if (unit >= 0 && inst.op === 'set' && inSet(inst, unit)) add(nextPcs, nextCaps, pcs[t]! + 1, caps[t]!, pos + 1);
      }
      if (pos >= len) break;
      if (matched === null && !this.anchored) add(nextPcs, nextCaps, 0, none, pos + 1);
      else if (nextPcs.length === 0) break;
      [pcs, nextPcs] = [nextPcs, pcs];
      [caps, nextCaps] = [nextCaps, caps];
      nextPcs.length = 0;
      nextCaps.length = 0;
    }
    return this.done(work, matched);
  }
}

/** Why a pattern cannot run in linear time, or undefined when it can. */
export function linearProblem(source: string): string | undefined {
  try {
    new LinearPattern(source);
    new LinearPattern(`[^](?:${source})[^]`); // as text-match.ts runs it on an interpolation's pieces
    return undefined;
  } catch (err) {
    if (err instanceof UnsupportedPattern) return err.message;
    throw err;
  }
}

/** Patterns of the built-in packs (rules/), which run in V8's RegExp; filled as those packs load (packs.ts). */
const builtinPatterns = new Set<string>();
/** The keys of a pack holding regular expressions (schema.ts: regexString). */
const PATTERN_KEYS = new Set(['matches', 'pattern', 'public', 'host', 'zoneRegion', 'idRegion', 'nameSuffix']);

const walked = new WeakSet<object>();

/** Records the patterns of a built-in pack, so they keep V8's RegExp (fast, and checked by the packs' tests). */
export function trustBuiltinPatterns(pack: object): void {
  if (walked.has(pack)) return;
  walked.add(pack);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string') {
          if (PATTERN_KEYS.has(k)) builtinPatterns.add(x);
        } else walk(x);
      }
  };
  walk(pack);
}

/** The longest text a built-in pack's pattern is matched on in RegExp; a longer one goes to the linear-time engine. */
export const REGEXP_TEXT_LIMIT = 1_000;

/**
 * A built-in pack's pattern: RegExp on texts up to REGEXP_TEXT_LIMIT, the linear-time engine (the same answers) on
 * longer ones, where a pattern quadratic in RegExp (`\d+$`, tried from every start) would take seconds; RegExp always
 * for one with a lookaround, which the packs' tests run on long texts.
 */
export class BuiltinPattern implements TextPattern {
  private readonly regexp: RegExp;
  private linear: LinearPattern | null | undefined;

  constructor(readonly source: string) {
    this.regexp = new RegExp(source);
  }

  private engineFor(text: string): TextPattern {
    if (text.length <= REGEXP_TEXT_LIMIT) return this.regexp;
    if (this.linear === undefined) {
      try {
        this.linear = new LinearPattern(this.source);
      } catch (err) {
        if (!(err instanceof UnsupportedPattern)) throw err;
        this.linear = null;
      }
    }
    return this.linear ?? this.regexp;
  }

  test(text: string): boolean {
    return this.engineFor(text).test(text);
  }

  exec(text: string): PatternMatch | null {
    return this.engineFor(text).exec(text);
  }
}

const compiled = new Map<string, TextPattern>();

/**
 * The matcher of a pack's pattern: a BuiltinPattern for a built-in pack's, the linear-time engine for any other. A
 * pattern that engine cannot run reaches here only from packs a library caller built in code (loaded packs refuse
 * them): that caller's own pattern, in RegExp.
 */
export function compilePattern(source: string): TextPattern {
  let p = compiled.get(source);
  if (!p) {
    if (builtinPatterns.has(source)) p = new BuiltinPattern(source);
    else {
      try {
        p = new LinearPattern(source);
      } catch (err) {
        if (!(err instanceof UnsupportedPattern)) throw err;
        p = new RegExp(source);
      }
    }
    compiled.set(source, p);
  }
  return p;
}

/** Another pattern (text-match.ts: the pattern with context around it) in the same engine as `like`. */
export function derivePattern(like: TextPattern, source: string): TextPattern {
  if (like instanceof LinearPattern) {
    try {
      return new LinearPattern(source);
    } catch (err) {
      if (!(err instanceof UnsupportedPattern)) throw err;
      return new RegExp(source); // only from a pack built in code: a loaded pack's patterns are checked wrapped so (linearProblem)
    }
  }
  if (like instanceof BuiltinPattern) return new BuiltinPattern(source);
  return like instanceof RegExp ? new RegExp(source, like.flags.replace(/[gy]/g, '')) : new RegExp(source);
}

/** The text without the pattern's first match (String.replace with a non-global pattern and ''). */
export function removeFirst(p: TextPattern, text: string): string {
  const m = p.exec(text);
  return m ? text.slice(0, m.index) + text.slice(m.index + m[0]!.length) : text;
}

/** Whether loading packs now checks patterns for the linear-time engine (a user pack) or not (a built-in pack). */
let userPatterns = false;

/** Runs `parse` with user-pack pattern checks on or off (packs.ts, around the schema parse). */
export function withPatternChecks<T>(user: boolean, parse: () => T): T {
  const before = userPatterns;
  userPatterns = user;
  try {
    return parse();
  } finally {
    userPatterns = before;
  }
}

/** Whether the pack now being parsed is a user pack, whose patterns must run in the linear-time engine. */
export function checkingUserPatterns(): boolean {
  return userPatterns;
}
