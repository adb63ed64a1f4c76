export { checkEntryPath, symlinkStaysInside } from './link-rule';
export { extractTarball, UnsafeArchiveError, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, type ExtractedItem, type ExtractOptions, type ExtractResult } from './safe-extract';
export { resolveDownloadUrl, openDownload, type DownloadOptions } from './download';
export { httpGet, readText, discard, refuseResponse, displayUrl, isTransientStatus, type HttpResponse, type HttpGetOptions } from './http';
