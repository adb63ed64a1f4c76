export { readRegistry, writeRegistry } from './registry-file';
