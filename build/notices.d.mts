export const BUNDLED_NPM: readonly string[];
export function pluginSections(opts: { root: string; quickjsDir: string; libyamlDir: string }): string[];
export function goSections(binary: string): string[];
export function writeNotices(file: string, sections: readonly string[]): void;
