import { describe, expect, it } from 'vitest';
import { resolveRegistryCredentials } from './registry-credentials';

const config = { auths: {
  'ghcr.io': { auth: Buffer.from('octo:ghp_secret:with:colons').toString('base64') },
  'https://index.docker.io/v1/': { username: 'hub', password: 'hubpw' },
} };

describe('resolveRegistryCredentials', () => {
  it('prefers the environment variables', () => {
    expect(resolveRegistryCredentials('ghcr.io', { RUNWAY_IMAGE_REGISTRY_USER: 'u', RUNWAY_IMAGE_REGISTRY_PASSWORD: 'p' }, config))
      .toEqual({ username: 'u', password: 'p', source: 'RUNWAY_IMAGE_REGISTRY_USER/RUNWAY_IMAGE_REGISTRY_PASSWORD' });
  });
  it('falls back to docker config auths, Docker Hub under its legacy key', () => {
    expect(resolveRegistryCredentials('ghcr.io', {}, config)).toMatchObject({ username: 'octo', password: 'ghp_secret:with:colons' });
    expect(resolveRegistryCredentials('docker.io', {}, config)).toMatchObject({ username: 'hub', password: 'hubpw' });
    expect(resolveRegistryCredentials('quay.io', {}, config)).toBeUndefined();
  });
  it('refuses half-set variables', () => {
    expect(() => resolveRegistryCredentials('ghcr.io', { RUNWAY_IMAGE_REGISTRY_USER: 'u' }, undefined)).toThrow(/only one of/);
  });
});
