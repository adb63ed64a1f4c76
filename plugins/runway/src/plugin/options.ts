/** Plugin options as written in nx.json (`plugins: [{ plugin: "@runway/nx-plugin", options }]`). */
export interface RunwayPluginOptions {
  /** Folder (relative to the workspace root) that builds write into. Default `dist`. */
  distDir?: string;
}

export interface NormalizedRunwayPluginOptions {
  distDir: string;
}

export function normalizeOptions(options: RunwayPluginOptions | undefined): NormalizedRunwayPluginOptions {
  return { distDir: (options?.distDir ?? 'dist').replace(/\/+$/, '') };
}
