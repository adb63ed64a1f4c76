import type { DockerEvent } from './docker-api';

/**
 * Reads a daemon progress stream (newline-delimited JSON) to its end. dockerode's own
 * `followProgress` resolves even when the build or push failed, because the daemon reports
 * failures as `error`/`errorDetail` events inside a 200 response; this rejects on the first such
 * event with the daemon's message, so a failed step can never pass for a success.
 */
export function readEventStream(stream: NodeJS.ReadableStream, onEvent?: (event: DockerEvent) => void): Promise<DockerEvent[]> {
  return new Promise((resolve, reject) => {
    const events: DockerEvent[] = [];
    let buffered = '';
    let failed: DaemonStreamError | undefined;
    const take = (line: string) => {
      if (!line.trim()) return;
      let event: DockerEvent;
      try {
        event = JSON.parse(line) as DockerEvent;
      } catch {
        event = { stream: line };
      }
      events.push(event);
      onEvent?.(event);
      const message = eventError(event);
      if (message !== undefined && !failed) failed = new DaemonStreamError(message, events);
    };
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(take);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      take(buffered);
      if (failed) reject(failed);
      else resolve(events);
    });
  });
}

/** The failure message an event carries, if any. */
export function eventError(event: DockerEvent): string | undefined {
  if (event.errorDetail?.message) return event.errorDetail.message;
  if (event.error) return event.error;
  return undefined;
}

/** A failure the daemon reported inside a progress stream; keeps the events for context. */
export class DaemonStreamError extends Error {
  constructor(message: string, readonly events: DockerEvent[]) {
    super(message);
    this.name = 'DaemonStreamError';
  }
}
