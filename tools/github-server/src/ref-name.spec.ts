import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isValidRefName } from './ref-name';

const names = [
  'refs/tags/node@1.0.0', 'refs/tags/v1.2.3-rc.1+build.5', 'refs/heads/feature/x', 'refs/tags/python-3.11@1.0.0',
  'refs/tags/a..b', 'refs/tags/a~1', 'refs/tags/a^', 'refs/tags/a:b', 'refs/tags/a?', 'refs/tags/a*', 'refs/tags/a[', 'refs/tags/a\\b',
  'refs/tags/a b', 'refs/tags/a\tb', 'refs/tags/a\x7f', 'refs/tags/x@{0}', 'refs/tags/@', 'refs/tags/.hidden', 'refs/tags/x.lock',
  'refs/tags/x/', 'refs/tags//x', '/refs/tags/x', 'refs/tags/x.', 'refs/tags/x.y', 'refs/tags/@x', 'refs/tags/x@y', 'refs/tags/é', '@', 'refs',
];

function gitAccepts(name: string): Promise<boolean> {
  return new Promise((resolve) => execFile('git', ['check-ref-format', name], (err) => resolve(!err)));
}

describe('isValidRefName', () => {
  it.each(names)('agrees with git check-ref-format on %j', async (name) => {
    expect(isValidRefName(name)).toBe(await gitAccepts(name));
  });
});
