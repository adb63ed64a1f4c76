export { readManifest, listProjectFiles, validateProject } from './read-project';
