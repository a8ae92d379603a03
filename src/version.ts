// Replaced at build time (esbuild `define`) with the package version.
declare const __WARDEN_VERSION__: string | undefined;

export const WARDEN_VERSION: string = typeof __WARDEN_VERSION__ === 'string' ? __WARDEN_VERSION__ : '0.0.0-dev';
