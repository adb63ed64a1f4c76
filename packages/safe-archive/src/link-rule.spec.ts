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
