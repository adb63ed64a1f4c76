export { sha256File } from './sha256-file';
