import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A file in a fixture tree: plain content, or content with a mode (e.g. executable scripts). */
export type FixtureFile = string | Buffer | { content: string | Buffer; mode: number };

/**
 * Creates a temporary directory holding `files` (paths relative to it) and removes it when the
 * current test finishes. Use instead of `__fixtures__` folders and `process.chdir`.
 */
export async function testdir(files: Record<string, FixtureFile> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runway-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await writeFixtures(dir, files);
  return dir;
}

/** Writes a fixture tree into an existing directory. */
export async function writeFixtures(dir: string, files: Record<string, FixtureFile>): Promise<void> {
  for (const [rel, file] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    if (typeof file === 'string' || Buffer.isBuffer(file)) {
      await writeFile(path, file);
    } else {
      await writeFile(path, file.content);
      await chmod(path, file.mode);
    }
  }
}
