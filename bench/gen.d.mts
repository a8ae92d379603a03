// Types for bench/gen.mjs (plain ESM so the benchmark runs without a build step).
export declare const SIZES: Record<'100KB' | '1MB' | '10MB', number>;
export declare const OUT_DIR: string;
export declare function generateStream(targetBytes: number, seed?: number, options?: { style?: 'source' | 'helm4' }): string;
export declare function sizeLabel(bytes: number): string;
export declare function parseSize(s: string): number;
export declare function writeStream(bytes: number, options?: { seed?: number; style?: 'source' | 'helm4'; dir?: string }): string;
export declare function writeChart(bytes: number, options?: { seed?: number; dir?: string }): string;
