export { publishFiles, listStoredFiles, releasePath, type DirectoryFile, type StoredFile } from './publish-files';
export { readDirectoryRegistry, addToDirectoryRegistry } from './directory-registry';
