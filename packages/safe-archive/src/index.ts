export { checkEntryPath, symlinkStaysInside, MAX_PATH_BYTES, MAX_NAME_BYTES } from './link-rule';
export { extractTarball, installedMode, UnsafeArchiveError, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, MAX_TRAILING_BYTES, type ExtractedItem, type ExtractOptions, type ExtractResult } from './safe-extract';
export { resolveDownloadUrl, openDownload, type DownloadOptions } from './download';
export { httpGet, readText, discard, refuseResponse, displayUrl, isTransientStatus, type HttpResponse, type HttpGetOptions, type ReadLimit } from './http';
export { deadlineAfter, deadlineExceeded, withRetryBefore, type Deadline } from './deadline';
export { openRegularFile, readLocalText } from './local-file';
