export type { DockerApi, DockerEvent, BuildImageOptions, ContainerRun, ImageInfo, RegistryCredentials } from './docker-api';
export { createDockerApi } from './dockerode-api';
export { dockerConnectionFrom, describeConnection, type DockerConnection } from './docker-connection';
export { readEventStream, eventError, DaemonStreamError } from './stream-events';
export { packBuildContext, listContextFiles, dockerfileWithLabels } from './build-context';
export { resolveRegistryCredentials, readDockerConfig, ENV_CREDENTIALS, type DockerConfigFile } from './registry-credentials';
export { createRegistryClient, parseChallenge, MANIFEST_MEDIA_TYPES, type RegistryClient, type RegistryClientOptions, type StoredManifest } from './registry-client';
export { imagePublishSteps, type PublishStep, type PublishImageDeps, type PublishImageOptions, type PublishResult } from './publish-image';
export { dockerTestSettings, type DockerTestSettings } from './testing/docker-test-settings';
