export { withFileLock, type FileLockOptions } from './with-file-lock';
