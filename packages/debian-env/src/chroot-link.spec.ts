import { describe, expect, it } from 'vitest';
import { symlinkStaysInside } from '@runway/safe-archive';
import { chrootRelativeTarget } from './chroot-link';

describe('chrootRelativeTarget', () => {
  it.each([
    // Absolute targets: climb to the root of the tree, then descend exactly as written.
    ['usr/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', '../../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'],
    ['usr/lib/x86_64-linux-gnu/libblas.so.3', '/etc/alternatives/libblas.so.3-x86_64-linux-gnu', '../../../etc/alternatives/libblas.so.3-x86_64-linux-gnu'],
    ['etc/alternatives/python', '/usr/bin/python3.11', '../../usr/bin/python3.11'],
    ['lib64', '/usr/lib64', 'usr/lib64'],
    ['etc/mtab', '/', '..'],
    ['a', '/', '.'],
    // Relative targets already in the shape the client accepts stay byte for byte.
    ['bin', 'usr/bin', 'usr/bin'],
    ['usr/bin/python3', 'python3.11', 'python3.11'],
    ['etc/mtab', '../proc/self/mounts', '../proc/self/mounts'],
    ['usr/share/doc/x', '../y', '../y'],
    // Anything else is resolved like a chroot would, where `..` at the root stays at the root.
    ['usr/lib/x', '../../../../etc/passwd', '../../etc/passwd'],
    ['usr/lib/x', './y/../z', 'z'],
    ['usr/lib/x', 'y/', 'y'],
    ['usr/lib/x', '/usr/lib/../share/z', '../share/z'],
    ['a/b/c', '/a/b/../../../../etc', '../../etc'],
  ])('%s -> %s becomes %s', (link, target, expected) => {
    expect(chrootRelativeTarget(link, target)).toBe(expected);
  });

  it.each([
    ['usr/lib64/ld.so', '/lib/x86_64-linux-gnu/ld.so'],
    ['a', '/'],
    ['deep/er/link', '/../../../../x'],
    ['usr/lib/x', '../../../../etc/passwd'],
    ['usr/lib/x', 'a/../../b/./c/../../../d'],
    ['x', '/etc/alternatives/x'],
  ])('always gives a target the client extractor accepts: %s -> %s', (link, target) => {
    const fixed = chrootRelativeTarget(link, target);
    // The client sees `<name>/isolated/<link>`; the rewritten link must stay inside `isolated/`.
    expect(symlinkStaysInside(['rt', 'isolated', ...link.split('/')], fixed)).toBe(true);
    expect(symlinkStaysInside(['isolated', ...link.split('/')], fixed)).toBe(true);
    expect(fixed.startsWith('/')).toBe(false);
  });
});
