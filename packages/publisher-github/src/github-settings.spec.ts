import { UserError } from '@runway/errors';
import { describe, expect, it } from 'vitest';
import { githubSettingsFromEnv } from './github-settings';

describe('githubSettingsFromEnv', () => {
  it('is undefined when GitHub is not configured (a stray GITHUB_TOKEN alone does not count)', () => {
    expect(githubSettingsFromEnv({})).toBeUndefined();
    expect(githubSettingsFromEnv({ GITHUB_TOKEN: 'x' })).toBeUndefined();
  });

  it('reads the Actions variables with github.com defaults', () => {
    expect(githubSettingsFromEnv({ GITHUB_REPOSITORY: 'acme/rt', GITHUB_TOKEN: 't' })).toEqual({
      token: 't', repository: 'acme/rt', apiUrl: 'https://api.github.com', serverUrl: 'https://github.com',
    });
    expect(githubSettingsFromEnv({ GITHUB_REPOSITORY: 'acme/rt', GITHUB_TOKEN: 't', GITHUB_API_URL: 'http://h/api/v3/', GITHUB_SERVER_URL: 'http://h' })).toMatchObject({ apiUrl: 'http://h/api/v3', serverUrl: 'http://h' });
  });

  it.each([
    [{ GITHUB_REPOSITORY: 'acme/rt' }, /GITHUB_TOKEN is not/],
    [{ GITHUB_API_URL: 'http://h/api/v3', GITHUB_TOKEN: 't' }, /GITHUB_REPOSITORY is not/],
    [{ GITHUB_REPOSITORY: 'not a repo', GITHUB_TOKEN: 't' }, /must be "owner\/repo"/],
  ])('refuses half or wrong settings %o', (env, message) => {
    expect(() => githubSettingsFromEnv(env)).toThrow(UserError);
    expect(() => githubSettingsFromEnv(env)).toThrow(message);
  });
});
