import { UserError } from '@runway/errors';

/** How to reach the daemon, in the shape dockerode's constructor takes. */
export type DockerConnection = { socketPath: string } | { host: string; port: number; protocol: 'http' | 'https' };

/**
 * Pure: the daemon address from `DOCKER_HOST` (`unix:///path`, `tcp://host:port`), defaulting to
 * the system socket. Parsed here rather than left to docker-modem so the environment is passed in.
 */
export function dockerConnectionFrom(env: NodeJS.ProcessEnv): DockerConnection {
  const value = env.DOCKER_HOST?.trim();
  if (!value) return { socketPath: '/var/run/docker.sock' };
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    if (!socketPath) throw new UserError(`DOCKER_HOST="${value}" names no socket`, { hint: 'e.g. DOCKER_HOST=unix:///var/run/docker.sock' });
    return { socketPath };
  }
  const m = /^(tcp|http|https):\/\/([^/:]+|\[[^\]]+\]):(\d+)\/?$/.exec(value);
  if (!m) {
    throw new UserError(`DOCKER_HOST="${value}" is not a daemon address Runway understands`, {
      hint: 'use unix:///path/to/docker.sock or tcp://host:port',
    });
  }
  const port = Number(m[3]);
  const tls = m[1] === 'https' || env.DOCKER_TLS_VERIFY === '1' || port === 2376;
  return { host: m[2].replace(/^\[|\]$/g, ''), port, protocol: tls ? 'https' : 'http' };
}

/** Human form of the connection for messages. */
export function describeConnection(connection: DockerConnection): string {
  return 'socketPath' in connection ? `unix://${connection.socketPath}` : `${connection.protocol}://${connection.host}:${connection.port}`;
}
