import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { join, ProcError, quote, ShlexError, split } from '../src/index.js';
import { python } from './helpers.js';

type SplitResult = { ok: string[] } | { error: string };

const PY_SPLIT = `
import json, shlex, sys
out = []
for s in json.load(sys.stdin):
    try:
        out.append({"ok": shlex.split(s)})
    except ValueError as e:
        out.append({"error": str(e)})
print(json.dumps(out))
`;
const PY_QUOTE = `
import json, shlex, sys
print(json.dumps([shlex.quote(s) for s in json.load(sys.stdin)]))
`;
const PY_JOIN = `
import json, shlex, sys
print(json.dumps([shlex.join(a) for a in json.load(sys.stdin)]))
`;

const CORPUS = [
  '',
  ' ',
  'plain',
  'two words',
  '  leading and trailing  ',
  "it's",
  '"double quoted"',
  "'single quoted'",
  'mixed"quo"ted\'parts\'',
  'a\\ b',
  'back\\\\slash',
  '"esc \\" inside"',
  '"keep \\n backslash"',
  "'no \\ escapes here'",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test, not a JS template
  '$HOME ${PATH} $(whoami) `id`',
  '/dev/null; ls -l /tmp',
  'a && b || c | d > e < f 2>&1',
  'tab\tseparated\tline',
  'new\nline',
  'cr\r\nlf',
  'vertical\x0btab\x0cformfeed',
  'unicode héllo wörld ✓ 日本語 😀',
  "''",
  '""',
  "a '' b",
  'x""y',
  '#not a comment',
  'a#b',
  '*.txt ~/dir [abc] {a,b}',
  'unterminated "quote',
  "unterminated 'quote",
  'trailing backslash\\',
  '"backslash at end\\',
  '\\\n',
  'é\\é',
  '@%+=:,./-_',
  'a=b',
  '-n',
];

describe('quote/split/join against python3 shlex', () => {
  it('split() matches shlex.split on a corpus of tricky strings, errors included', () => {
    const expected = python<SplitResult[]>(PY_SPLIT, CORPUS);
    CORPUS.forEach((s, i) => {
      const want = expected[i]!;
      if ('ok' in want) {
        expect(split(s), JSON.stringify(s)).toEqual(want.ok);
      } else {
        let caught: unknown;
        try {
          split(s);
        } catch (err) {
          caught = err;
        }
        expect(caught, JSON.stringify(s)).toBeInstanceOf(ShlexError);
        expect((caught as ShlexError).message).toBe(want.error);
        expect((caught as ShlexError).code).toBe('PROC_SHLEX_SYNTAX');
      }
    });
  });

  it('quote() matches shlex.quote on the corpus', () => {
    expect(CORPUS.map(quote)).toEqual(python<string[]>(PY_QUOTE, CORPUS));
  });

  it('join() matches shlex.join on argument lists', () => {
    const lists = [[], ['du', '-sh', '/dev/null; ls -l /tmp'], CORPUS, ['', ''], ["it's", 'a b']];
    expect(lists.map(join)).toEqual(python<string[]>(PY_JOIN, lists));
  });

  it('split() and quote() agree with python3 on random strings of shell-special characters', () => {
    const alphabet = fc.constantFrom(...'ab \t\n\r\'"\\$`#;&|<>()*?~é😀\x0b'.split(''), '😀');
    const samples = fc.sample(
      fc.array(alphabet, { maxLength: 24 }).map((cs) => cs.join('')),
      { numRuns: 400, seed: 8 },
    );
    const splits = python<SplitResult[]>(PY_SPLIT, samples);
    const quotes = python<string[]>(PY_QUOTE, samples);
    samples.forEach((s, i) => {
      const want = splits[i]!;
      if ('ok' in want) expect(split(s), JSON.stringify(s)).toEqual(want.ok);
      else expect(() => split(s), JSON.stringify(s)).toThrow(want.error);
      expect(quote(s)).toBe(quotes[i]);
    });
  });

  it('split(join(args)) gives back args for any list of strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' })), (args) => {
        expect(split(join(args))).toEqual(args);
      }),
      { numRuns: 300 },
    );
  });

  it('a quoted word survives a real shell unchanged', async () => {
    const { checkOutput } = await import('../src/index.js');
    const words = ["it's", '$HOME', '`id`', 'a b', '', '*', 'é😀', '\\n'];
    const out = await checkOutput(`printf '%s\\n' ${join(words)}`, { shell: true, text: true });
    expect(out).toBe(words.map((w) => `${w}\n`).join(''));
  });

  it('points at the quote left open and at the lone backslash', () => {
    const err = (() => {
      try {
        split('echo "abc');
      } catch (e) {
        return e as ShlexError;
      }
    })();
    expect(err).toBeInstanceOf(ProcError);
    expect(err?.input).toBe('echo "abc');
    expect(err?.position).toBe(5);
    expect(() => split("a 'b")).toThrow(expect.objectContaining({ position: 2 }));
    expect(() => split('ab\\')).toThrow(expect.objectContaining({ position: 2 }));
  });

  it('rejects non-string input with a TypeError', () => {
    expect(() => split(42 as unknown as string)).toThrow(TypeError);
    expect(() => quote(null as unknown as string)).toThrow(TypeError);
    expect(() => join('ab' as unknown as string[])).toThrow(TypeError);
  });
});
