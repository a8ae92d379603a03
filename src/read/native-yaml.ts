// Native YAML reading: inside plugin.wasm the engine provides
// `__warden_yaml_parse` (build/engine/native_yaml.c: libyaml's parser building
// QuickJS values directly), about 20x faster there than the `yaml` package.
//
// It gives exactly what `parseDocument(text, {uniqueKeys: true}).toJS({maxAliasCount: 1000})`
// gives, or declines: for any text it is not certain about (libyaml errors,
// tags, directives, duplicate or non-scalar keys, tabs, deep nesting, alias
// bombs, …) it returns a reason and the caller reads the document with the
// `yaml` package, which stays the reference and produces every error message.
// In Node (CLI, tests) there is no native reader and `yaml` reads everything.

type NativeParse = (text: string) => { value: unknown } | string;

const native: NativeParse | undefined = (() => {
  const f = (globalThis as { __warden_yaml_parse?: unknown }).__warden_yaml_parse;
  return typeof f === 'function' ? (f as NativeParse) : undefined;
})();

/** How many documents the native reader took, and why it declined the others. */
export const nativeYamlStats: { native: number; declined: number; lastReason?: string } = { native: 0, declined: 0 };

/** Is the engine's native YAML reader present (only inside plugin.wasm)? */
export function hasNativeYaml(): boolean {
  return native !== undefined;
}

/**
 * One YAML document as plain JS values, read natively; undefined when there is
 * no native reader or it declined, and the `yaml` package must read the text.
 */
export function readYamlNative(text: string): { value: unknown } | undefined {
  if (!native) return undefined;
  const r = native(text);
  if (typeof r === 'string') {
    nativeYamlStats.declined++;
    nativeYamlStats.lastReason = r;
    return undefined;
  }
  nativeYamlStats.native++;
  return r;
}

/** The native reader's raw answer ({value} or the reason it declined), for tests and benchmarks. */
export function nativeYamlAnswer(text: string): { value: unknown } | { declined: string } | undefined {
  if (!native) return undefined;
  const r = native(text);
  return typeof r === 'string' ? { declined: r } : r;
}
