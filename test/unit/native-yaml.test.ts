// src/read/native-yaml.ts: how the core uses the engine's native YAML reader when the
// engine provides one (inside plugin.wasm; the real reader is tested against `yaml` in
// test/plugin/native-yaml.test.ts), and that Node keeps reading with `yaml`.
import { afterEach, describe, expect, it, vi } from 'vitest';

type Global = { __warden_yaml_parse?: (text: string) => { value: unknown } | string };
const g = globalThis as Global;

afterEach(() => {
  delete g.__warden_yaml_parse;
  vi.resetModules();
});

describe('native YAML reader wiring', () => {
  it('Node has no native reader: SourceDocument.value() reads with yaml', async () => {
    const nativeYaml = await import('../../src/read/native-yaml');
    const { readStream } = await import('../../src/read/document');
    expect(nativeYaml.hasNativeYaml()).toBe(false);
    expect(nativeYaml.readYamlNative('a: 1')).toBeUndefined();
    const [doc] = readStream('a: 010\nb: yes\n');
    expect(doc.value()).toEqual({ value: { a: 10, b: 'yes' } });
  });

  it('value() takes the native answer, and falls back to yaml when it declines', async () => {
    const seen: string[] = [];
    g.__warden_yaml_parse = (text) => {
      seen.push(text);
      return text.includes('decline') ? 'a tag (!x)' : { value: { from: 'native' } };
    };
    const nativeYaml = await import('../../src/read/native-yaml');
    const { readStream } = await import('../../src/read/document');
    expect(nativeYaml.hasNativeYaml()).toBe(true);
    const docs = readStream('---\nkind: A\n---\nkind: decline\n---\na: 1\na: 2\ndecline: x\n');
    expect(docs[0].value()).toEqual({ value: { from: 'native' } });
    expect(docs[1].value()).toEqual({ value: { kind: 'decline' } });
    // errors come from yaml, with stream lines
    const third = docs[2].value();
    expect('error' in third && third.error.message).toMatch(/Map keys must be unique/);
    expect('error' in third && third.error.line).toBe(7);
    // each document's exact text went to the native reader once (value() caches)
    docs[0].value();
    expect(seen).toEqual(docs.map((d) => d.text));
    expect(nativeYaml.nativeYamlStats).toMatchObject({ native: 1, declined: 2, lastReason: 'a tag (!x)' });
  });
});
