/** How one project of a release fared. */
export interface ProjectCheck {
  name: string;
  kind: 'runtime' | 'payload';
  passed: boolean;
  /** What was installed or pulled: `python-3.11@1.3.0 (prebuilt environment for debian-amd64)`, `repo@sha256:…`. */
  installed?: string;
  /** The smoke command as run, or undefined when the project has none. */
  smoke?: string[];
  /** The last lines of the smoke command's output. */
  outputTail?: string;
  /** Why it failed (install refused, smoke exit code, image missing …). */
  reason?: string;
  /** Installed files: file name → sha256 (hex). */
  assets?: Record<string, string>;
  /** Pulled images: repository → digest. */
  images?: Record<string, string>;
}

/** Lines of smoke output a report keeps per project: the end, where errors are. */
export const OUTPUT_TAIL_LINES = 20;

/** Pure: the last `OUTPUT_TAIL_LINES` non-empty lines of a command's output. */
export function outputTail(output: string): string {
  return output.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '').slice(-OUTPUT_TAIL_LINES).join('\n');
}

/** Pure: the report printed at the end: one block per project, then the verdict. */
export function renderReport(tag: string, commit: string, checks: readonly ProjectCheck[]): string {
  const failed = checks.filter((c) => !c.passed);
  const blocks = checks.map((c) => {
    const head = `${c.passed ? 'PASSED' : 'FAILED'} ${c.kind} ${c.name}`;
    const lines = [
      ...(c.installed ? [`installed: ${c.installed}`] : []),
      c.smoke ? `smoke: ${c.smoke.join(' ')}` : c.installed ? 'installed, no smoke command' : undefined,
      ...(c.reason ? [`reason: ${c.reason}`] : []),
      ...(c.outputTail ? ['output (tail):', ...c.outputTail.split('\n').map((l) => `  ${l}`)] : []),
    ].filter((l): l is string => l !== undefined);
    return [head, ...lines.map((l) => `  ${l}`)].join('\n');
  });
  const verdict = failed.length === 0
    ? `${tag} (${commit.slice(0, 12)}) passed: ${checks.length} project(s) installed and smoke-tested`
    : `${tag} (${commit.slice(0, 12)}) FAILED: ${failed.map((c) => c.name).join(', ')}`;
  return [`validation of ${tag}:`, ...blocks, verdict].join('\n');
}
