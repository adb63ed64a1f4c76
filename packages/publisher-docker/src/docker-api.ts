/** Credentials for one registry, and where they came from (named in errors, never the password). */
export interface RegistryCredentials {
  username: string;
  password: string;
  /** e.g. `RUNWAY_IMAGE_REGISTRY_USER/RUNWAY_IMAGE_REGISTRY_PASSWORD` or `~/.docker/config.json`. */
  source: string;
}

/** One progress event of a build or push stream, as the daemon sends it. */
export interface DockerEvent {
  stream?: string;
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
}

export interface BuildImageOptions {
  /** Dockerfile path inside the context. */
  dockerfile: string;
  /** Every `repository:tag` the built image receives. */
  tags: string[];
  /** Labels added through the API (the classic builder adds one LABEL step per label). */
  labels?: Record<string, string>;
  onEvent?: (event: DockerEvent) => void;
}

/** How a command run in a fresh container ended: its exit code and (bounded) interleaved output. */
export interface ContainerRun {
  exitCode: number;
  output: string;
}

export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
  repoDigests: string[];
}

/**
 * The Docker Engine operations publishing needs, owned here so tests can run a fake and the
 * real adapter stays a thin layer over dockerode. Implementations turn stream `error` events
 * into rejections: a resolved promise means the daemon reported success.
 */
export interface DockerApi {
  /** Resolves when the daemon answers; rejects with a UserError naming DOCKER_HOST otherwise. */
  ping(): Promise<void>;
  /** Builds from a tar stream of the context; resolves to the image id (`sha256:…`). */
  buildImage(context: NodeJS.ReadableStream, options: BuildImageOptions): Promise<string>;
  /** Pushes one `repository:tag`; resolves to the manifest digest the registry stored. */
  pushImage(repository: string, tag: string, credentials?: RegistryCredentials, onEvent?: (event: DockerEvent) => void): Promise<string>;
  /**
   * Pulls `reference` (`repository@sha256:…` to get exactly those bytes, or `repository:tag`) into
   * the daemon; resolves once the daemon reports it complete.
   */
  pullImage(reference: string, credentials?: RegistryCredentials, onEvent?: (event: DockerEvent) => void): Promise<void>;
  /** The local image, or undefined when the daemon has none under that reference. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  /**
   * Runs `command` (an argv, replacing the image's entrypoint and command) in a new container of
   * the local image `ref`, without network, and removes the container afterwards, like
   * `docker run --rm --network none --entrypoint …`.
   */
  runContainer(ref: string, command: string[]): Promise<ContainerRun>;
}
