/** The services `tools/ci/docker-services.sh` exports for the Docker specs. */
export interface DockerTestSettings {
  env: NodeJS.ProcessEnv;
  /** Plain registry, e.g. `127.0.0.1:5000`. */
  registry: string;
  /** Registry with htpasswd auth, e.g. `127.0.0.1:5001`. */
  authRegistry: string;
  user: string;
  password: string;
  baseImage: string;
}

/** Pure: is `CI` set to anything that means yes (`true`, `1`, `yes`, any CI system's value)? */
export function isTruthyCi(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

/**
 * The Docker test services from the environment, or undefined (after a loud warning) when a
 * developer runs the specs without them. Under any truthy CI (`true`, `1`, …) a missing engine is
 * a failure: the test command always starts one, so skipping there would hide a broken setup.
 */
export function dockerTestSettings(env: NodeJS.ProcessEnv = process.env): DockerTestSettings | undefined {
  const { DOCKER_HOST, RUNWAY_TEST_REGISTRY, RUNWAY_TEST_AUTH_REGISTRY, RUNWAY_TEST_REGISTRY_USER, RUNWAY_TEST_REGISTRY_PASSWORD } = env;
  if (!DOCKER_HOST || !RUNWAY_TEST_REGISTRY || !RUNWAY_TEST_AUTH_REGISTRY || !RUNWAY_TEST_REGISTRY_USER || !RUNWAY_TEST_REGISTRY_PASSWORD) {
    if (isTruthyCi(env.CI)) {
      throw new Error(`CI=${env.CI} but the Docker test services are not set up (DOCKER_HOST, RUNWAY_TEST_REGISTRY, …): source tools/ci/docker-services.sh and run start_docker_services`);
    }
    process.stderr.write('\n!!! SKIPPING Docker specs: DOCKER_HOST / RUNWAY_TEST_REGISTRY not set. Run them with tools/ci/docker-services.sh (see tools/ci/test.sh). !!!\n\n');
    return undefined;
  }
  return {
    env, registry: RUNWAY_TEST_REGISTRY, authRegistry: RUNWAY_TEST_AUTH_REGISTRY,
    user: RUNWAY_TEST_REGISTRY_USER, password: RUNWAY_TEST_REGISTRY_PASSWORD,
    baseImage: env.RUNWAY_TEST_BASE_IMAGE ?? 'runway-base:busybox',
  };
}
