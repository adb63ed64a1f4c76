import { describe, expect, it } from 'vitest';
import { escapeLines, escapeText, stringifyForTerminal } from './escape-text';

describe('escapeText', () => {
  it.each([
    ['plain text', 'python-3.11 1.0.0', 'python-3.11 1.0.0'],
    ['an ESC sequence', '\x1b[2J\x1b[31mred', '\\x1b[2J\\x1b[31mred'],
    ['a forged line', 'ok\nerror: forged', 'ok\\nerror: forged'],
    ['a carriage return', 'a\rb', 'a\\rb'],
    ['a tab', 'a\tb', 'a\\tb'],
    ['a NUL byte', 'a\0b', 'a\\x00b'],
    ['DEL', 'a\x7fb', 'a\\x7fb'],
    ['an 8-bit CSI (C1)', 'a\u009b31mb', 'a\\x9b31mb'],
    ['a bidi override', 'abc\u202etxt.exe', 'abc\\u202etxt.exe'],
    ['a bidi isolate', '\u2066x\u2069', '\\u2066x\\u2069'],
    ['a zero-width space', 'a\u200bb', 'a\\u200bb'],
    ['a line separator', 'a\u2028b', 'a\\u2028b'],
    ['a BOM', '\ufeffa', '\\ufeffa'],
    ['a backslash, so escapes stay unambiguous', 'C:\\x1b', 'C:\\\\x1b'],
    ['non-ASCII letters and emoji, kept', 'größe 🐍 👩‍💻', 'größe 🐍 👩‍💻'],
  ])('%s', (_label, input, expected) => expect(escapeText(input)).toBe(expected));

  it.each([
    ['short text, untouched', 'abc', 5, 'abc'],
    ['long text, cut and marked', 'abcdefgh', 5, 'abcde…'],
    ['cut before escaping, so the escape is never split', '\x1b\x1b\x1b', 2, '\\x1b\\x1b…'],
    ['never splits a surrogate pair', 'ab🐍cd', 3, 'ab…'],
  ])('maxLength: %s', (_label, input, max, expected) => expect(escapeText(input, max)).toBe(expected));
});

describe('escapeLines', () => {
  it.each([
    ['keeps line feeds of a composed message', 'error: a\n  fix: b', 'error: a\n  fix: b'],
    ['escapes ESC and CR', 'a\x1b[2Kb\rc', 'a\\x1b[2Kb\\rc'],
    ['leaves backslashes, so escaped values are not escaped twice', `name ${escapeText('\x1b')}`, 'name \\x1b'],
    ['escapes C1 and bidi controls', '\u009b\u202e', '\\x9b\\u202e'],
  ])('%s', (_label, input, expected) => expect(escapeLines(input)).toBe(expected));
});

describe('stringifyForTerminal', () => {
  it.each([
    ['C0 controls (JSON escapes them itself)', { d: '\x1b[2J\n' }],
    ['DEL and C1 controls', { d: 'a\x7f\u009b\u0085' }],
    ['bidi and separators', { d: '\u202e\u2028\u2029' }],
    ['keys too', { '\u009bkey': 1 }],
  ])('%s: valid JSON with the same value and no raw control characters', (_label, value) => {
    const text = stringifyForTerminal(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202e]/);
  });

  it('indents like JSON.stringify', () => expect(stringifyForTerminal({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}'));
});
