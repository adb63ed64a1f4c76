import type DockerClient from 'dockerode';
import { UserError } from '@runway/errors';
import type { DockerApi, DockerEvent, ImageInfo, RegistryCredentials } from './docker-api';
import { describeConnection, dockerConnectionFrom } from './docker-connection';
import { readEventStream } from './stream-events';
import { splitImageRepository } from '@runway/release-policy';

/**
 * The DockerApi over dockerode, reaching the daemon named by `DOCKER_HOST` in `env`. Builds use
 * the classic builder (`version: '1'`): it needs no BuildKit session and works with any daemon.
 */
export function createDockerApi(env: NodeJS.ProcessEnv): DockerApi {
  const connection = dockerConnectionFrom(env);
  // Loaded here, not at import: the release package imports this one, and runtime releases
  // (which never touch Docker) should not pay for loading dockerode.
  const Docker = require('dockerode') as typeof DockerClient;
  const docker = new Docker(connection);
  const where = describeConnection(connection);

  return {
    async ping() {
      try {
        await docker.ping();
      } catch (err) {
        throw new UserError(`cannot reach the Docker daemon at ${where}: ${(err as Error).message}`, {
          hint: 'start Docker or point DOCKER_HOST at a running daemon (e.g. unix:///var/run/docker.sock)', cause: err,
        });
      }
    },

    async buildImage(context, options) {
      // @types/dockerode types `t` as one string; the Engine API takes it repeated, one per tag.
      const stream = await docker.buildImage(context, {
        t: options.tags as unknown as string,
        dockerfile: options.dockerfile,
        labels: options.labels,
        version: '1',
        // Remove intermediate containers even when a step fails, so failed builds leave nothing.
        forcerm: true,
      });
      const events = await readEventStream(stream, options.onEvent);
      const id = [...events].reverse().find((e) => e.aux?.ID)?.aux?.ID;
      if (id) return id;
      const info = await this.inspectImage(options.tags[0]);
      if (!info) throw new Error(`the daemon reported no image id for ${options.tags[0]}`);
      return info.id;
    },

    async pushImage(repository, tag, credentials, onEvent) {
      const stream = await docker.getImage(`${repository}:${tag}`).push({ tag, ...(credentials ? { authconfig: authConfig(repository, credentials) } : {}) });
      const events = await readEventStream(stream, onEvent);
      const digest = digestFromPush(events);
      if (!digest) throw new Error(`pushing ${repository}:${tag}: the daemon reported no digest`);
      return digest;
    },

    async pullImage(reference, credentials, onEvent) {
      const repository = reference.replace(/[@:][^/]*$/, '');
      const stream = await docker.pull(reference, credentials ? { authconfig: authConfig(repository, credentials) } : {});
      await readEventStream(stream, onEvent);
    },

    async runContainer(ref, command) {
      const container = await docker.createContainer({
        Image: ref, Entrypoint: [command[0]], Cmd: command.slice(1), Tty: false,
        NetworkDisabled: true, HostConfig: { NetworkMode: 'none' },
      });
      try {
        await container.start();
        const { StatusCode } = (await container.wait()) as { StatusCode: number };
        const logs = await container.logs({ stdout: true, stderr: true, follow: false }) as unknown as Buffer;
        return { exitCode: StatusCode, output: demuxedText(logs) };
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    },

    async inspectImage(ref) {
      try {
        const info = await docker.getImage(ref).inspect();
        return { id: info.Id, labels: info.Config?.Labels ?? {}, repoDigests: info.RepoDigests ?? [] } satisfies ImageInfo;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
  };
}

/** The most output kept from a container run: the tail, which holds the error. */
const MAX_RUN_OUTPUT = 64 * 1024;

/**
 * Pure: the text of a non-TTY container log, whose frames carry an 8-byte header (stream type,
 * three zero bytes, big-endian length); stdout and stderr stay in the order written. Only the last
 * `MAX_RUN_OUTPUT` bytes are kept.
 */
export function demuxedText(log: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= log.length) {
    const size = log.readUInt32BE(at + 4);
    parts.push(log.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  const text = Buffer.concat(parts);
  return text.subarray(Math.max(0, text.length - MAX_RUN_OUTPUT)).toString('utf8');
}

function authConfig(repository: string, credentials: RegistryCredentials) {
  return { username: credentials.username, password: credentials.password, serveraddress: splitImageRepository(repository).host };
}

/** The digest from a push stream: the `aux` event, or the `<tag>: digest: sha256:… size: N` line. */
function digestFromPush(events: DockerEvent[]): string | undefined {
  for (const e of events) {
    if (e.aux?.Digest) return e.aux.Digest;
    const m = /digest: (sha256:[0-9a-f]{64})/.exec(e.status ?? '');
    if (m) return m[1];
  }
  return undefined;
}
