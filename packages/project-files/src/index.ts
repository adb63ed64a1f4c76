export { readManifest, validateProject } from './read-project';
