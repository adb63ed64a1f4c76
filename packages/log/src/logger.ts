/** Where libraries report progress. Libraries never write to the console themselves. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger writing to the given streams (stderr for warnings and errors). */
export function streamLogger(out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Logger {
  return {
    info: (m) => out.write(`${m}\n`),
    warn: (m) => err.write(`warning: ${m}\n`),
    error: (m) => err.write(`error: ${m}\n`),
  };
}

/** A logger that remembers lines, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}
