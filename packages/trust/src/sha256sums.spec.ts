import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testdir } from '@runway/test-utils';
import { parseSha256Sums, serializeSha256Sums } from './sha256sums';
import { tool } from './testing/tools';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('SHA256SUMS', () => {
  it('is what sha256sum -c checks: two spaces, names in byte order, final newline', async () => {
    const files = { 'python-3.11-1.4.0.tar.gz': 'package', 'python-3.11-1.4.0.cdx.json': 'sbom', 'Zeta.txt': 'z', 'a b.txt': 'space' };
    const text = serializeSha256Sums(Object.entries(files).map(([name, content]) => ({ name, sha256: sha(content) })));
    expect(text).toBe([
      `${sha('z')}  Zeta.txt\n`, `${sha('space')}  a b.txt\n`, `${sha('sbom')}  python-3.11-1.4.0.cdx.json\n`, `${sha('package')}  python-3.11-1.4.0.tar.gz\n`,
    ].join(''));
    const dir = await testdir({ ...files, SHA256SUMS: text });
    const ok = await tool('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: dir });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const tampered = await testdir({ ...files, 'Zeta.txt': 'changed', SHA256SUMS: text });
    const bad = await tool('sha256sum', ['-c', 'SHA256SUMS'], { cwd: tampered });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('Zeta.txt: FAILED');
  });

  it('parses what it writes', () => {
    const sums = [{ name: 'b.tar.gz', sha256: sha('b') }, { name: 'a.tar.gz', sha256: sha('a') }];
    expect(parseSha256Sums(serializeSha256Sums(sums))).toEqual([sums[1], sums[0]]);
    expect(parseSha256Sums(Buffer.from(serializeSha256Sums(sums)))).toHaveLength(2);
  });

  it.each([
    ['a path', 'dir/file', /path separator/],
    ['a backslash', 'dir\\file', /path separator/],
    ['a newline', 'a\nb', /control character/],
    ['dot-dot', '..', /"\.\."/],
    ['empty', '', /empty/],
    ['leading space', ' a', /whitespace/],
    ['too long', 'a'.repeat(256), /longer than 255 bytes/],
  ])('refuses to write a name with %s', (_what, name, message) => {
    expect(() => serializeSha256Sums([{ name, sha256: sha('x') }])).toThrow(message);
  });

  it('refuses to write a duplicate name or a bad digest', () => {
    expect(() => serializeSha256Sums([{ name: 'a', sha256: sha('1') }, { name: 'a', sha256: sha('2') }])).toThrow(/twice/);
    expect(() => serializeSha256Sums([{ name: 'a', sha256: sha('1').toUpperCase() }])).toThrow(/64 lowercase hex/);
  });

  const line = (name: string, content = name) => `${sha(content)}  ${name}\n`;
  it.each([
    ['empty', '', /is empty/],
    ['no final newline', line('a').trimEnd(), /does not end with a newline/],
    ['binary-mode marker', `${sha('a')} *a\n`, /:1: expected "<64 lowercase hex>  <file name>"/],
    ['one space', `${sha('a')} a\n`, /:1: expected/],
    ['uppercase hex', `${sha('a').toUpperCase()}  a\n`, /:1: expected/],
    ['a path', line('../etc/passwd'), /:1: the file name contains a path separator/],
    ['a duplicate', line('a') + line('a', 'other'), /:2: "a" is listed twice/],
    ['unsorted names', line('b') + line('a'), /:2: "a" is out of order/],
    ['a blank line', `${line('a')}\n`, /:2: expected/],
    ['a carriage return', line('a').replace('\n', '\r\n'), /control character/],
    ['not UTF-8', Buffer.concat([Buffer.from(`${sha('a')}  `), Buffer.from([0xff, 0x0a])]), /not UTF-8/],
    ['oversized', 'x'.repeat(1024 * 1024 + 1), /over 1048576 bytes/],
    ['too many lines', Array.from({ length: 10_001 }, (_, i) => line(`f${String(i).padStart(5, '0')}`)).join(''), /more than 10000 files/],
  ])('refuses to parse %s', (_what, text, message) => {
    expect(() => parseSha256Sums(text)).toThrow(message);
  });
});
