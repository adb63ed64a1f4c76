export { generateKeyFiles, DEFAULT_KEY_COMMENT, type GeneratedKey } from './key-files';
export { loadSigningKey, readSigningKey, readPinnedKeys, SIGNING_KEY_ENV } from './load-keys';
