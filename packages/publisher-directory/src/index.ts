export {
  publishFiles, listStoredFiles, releasePath, hasReleaseFolder, type DirectoryFile, type StoredFile, type PublishFilesOptions, type PublishFilesOutcome,
} from './publish-files';
export { readDirectoryRegistry, requirePublishedFiles, updateDirectoryRegistry, type IndexSigning } from './directory-registry';
