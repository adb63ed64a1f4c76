import { describe, expect, it } from 'vitest';
import { dockerTestSettings, isTruthyCi } from './docker-test-settings';

describe('dockerTestSettings', () => {
  it.each(['true', '1', 'yes', 'TRUE', 'github-actions'])('fails instead of skipping under CI=%s when the engine is missing', (ci) => {
    expect(() => dockerTestSettings({ CI: ci })).toThrow(`CI=${ci} but the Docker test services are not set up`);
  });

  it.each([undefined, '', '0', 'false', 'no', 'off'])('lets a developer run without Docker when CI=%s (a loud, reported skip)', (ci) => {
    expect(isTruthyCi(ci)).toBe(false);
    expect(dockerTestSettings({ CI: ci })).toBeUndefined();
  });

  it('returns the services the test command exports', () => {
    const env = { DOCKER_HOST: 'unix:///d.sock', RUNWAY_TEST_REGISTRY: '127.0.0.1:5000', RUNWAY_TEST_AUTH_REGISTRY: '127.0.0.1:5001', RUNWAY_TEST_REGISTRY_USER: 'u', RUNWAY_TEST_REGISTRY_PASSWORD: 'p', CI: '1' };
    expect(dockerTestSettings(env)).toMatchObject({ registry: '127.0.0.1:5000', authRegistry: '127.0.0.1:5001', user: 'u', password: 'p', baseImage: 'runway-base:busybox' });
  });
});
