import { describe, expect, it } from 'vitest';
import { checkEntryPath, symlinkStaysInside } from './link-rule';

describe('path rules', () => {
  it.each([
    ['py/a/b', true], ['./py/a', true], ['py', true], ['../py/a', false], ['py/../x', false], ['/py/a', false], ['C:/py', false], ['pyx/a', false],
  ])('checkEntryPath(%s) safe=%s', (raw, safe) => expect('segments' in checkEntryPath(raw, 'py')).toBe(safe));

  it.each([
    [['py', 'l'], 'a/b', true], [['py', 'd', 'l'], '../x', true], [['py', 'l'], '../x', false], [['py', 'l'], 'a/../b', false],
    [['py', 'l'], '', false], [['py', 'l'], '/abs', false], [['py', 'd', 'l'], '..', true], [['py', 'd', 'l'], '../..', false],
  ])('symlink at %j -> %s stays inside: %s', (segments, target, inside) => expect(symlinkStaysInside(segments, target)).toBe(inside));
});

describe('length bounds', () => {
  it.each([
    [`py/${'n'.repeat(255)}`, true], [`py/${'n'.repeat(256)}`, false], [`py/${'é'.repeat(128)}`, false],
    [`py/${'d/'.repeat(2045)}f`, true], [`py/${'d/'.repeat(2047)}f`, false],
  ])('checkEntryPath of a %#th long path: safe=%s', (raw, safe) => expect('segments' in checkEntryPath(raw, 'py')).toBe(safe));

  it('refuses a symlink target too long to create', () => {
    expect(symlinkStaysInside(['py', 'l'], 'a/'.repeat(2047))).toBe(true);
    expect(symlinkStaysInside(['py', 'l'], 'a/'.repeat(2048))).toBe(false);
  });

  it('quotes a hostile path escaped and cut short', () => {
    const result = checkEntryPath(`../\x1b[2J${'x'.repeat(3000)}`, 'py');
    expect('problem' in result && result.problem).toMatch(/^entry "\.\.\/\\x1b\[2Jx+…" escapes with "\.\."$/);
    expect(JSON.stringify(result).length).toBeLessThan(500);
  });
});
