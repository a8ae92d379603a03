// Types for build.mjs (so TypeScript tests can import it).
export declare const ALL_TARGETS: string[];
export declare function hostTarget(): string;
export declare function defaultTargets(): string[];
export declare function binaryName(target: string): string;
export declare function pluginYaml(meta: { version: string; sourceURL?: string }, targets: string[]): string;
export interface ExecBinary {
  target: string;
  path: string;
  bytes: number;
  cached: boolean;
  ms: number;
}
export declare function buildExec(options: {
  outDir: string;
  targets?: string[];
  wasm?: string;
  verify?: boolean;
}): Promise<{ hash: string; cacheDir: string; goVersion: string; version: string; binaries: ExecBinary[] }>;
