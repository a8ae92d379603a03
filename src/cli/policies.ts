// `warden policies list|show`: the built-in packs (src/packs) and their policies, so users
// can see what runs by default and copy a policy to change it.

import { DEFAULT_PACKS, PACKS, PACK_NAMES, type LoadedPolicy, type PackName } from '../packs';
import { PACK_SOURCES } from '../packs/sources.generated';
import { isMap } from '../policy/operators/value';

export const POLICIES_HELP = `warden policies — the built-in policy packs

Usage:
  warden policies list [--pack PACK] [--format text|json]
                        every pack and its policies: name, severity, category, title, rules
  warden policies show NAME|PACK
                        print a policy's YAML (ordinary Kyverno ClusterPolicy: copy it, change
                        it, pass it back with --policy FILE), or every policy of a pack

Packs: ${PACK_NAMES.join(', ')} (default: ${DEFAULT_PACKS.join(' + ')}).
Select them with --packs=LIST (plugin and CLI) or "packs:" in .warden.yaml.

Examples:
  warden policies list
  warden policies list --pack pod-security-restricted --format json
  warden policies show disallow-latest-tag > policies/disallow-latest-tag.yaml

Exit codes: 0 ok, 2 usage error (unknown pack or policy).`;

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface PolicyInfo {
  name: string;
  title?: string;
  category?: string;
  severity?: string;
  description?: string;
  rules: string[];
  file: string;
}

function info(p: LoadedPolicy): PolicyInfo {
  const spec = isMap(p.policy.spec) ? p.policy.spec : {};
  const rules = (Array.isArray(spec.rules) ? spec.rules : []).map((r) => (isMap(r) ? String(r.name) : '?'));
  const meta = isMap(p.policy.metadata) ? p.policy.metadata : {};
  const ann = isMap(meta.annotations) ? meta.annotations : {};
  const out: PolicyInfo = { name: p.name, rules, file: `src/packs/${p.source}` };
  if (p.title) out.title = p.title;
  if (p.category) out.category = p.category;
  if (p.severity) out.severity = p.severity;
  const d = ann['policies.kyverno.io/description'];
  if (typeof d === 'string') out.description = d.replace(/\s+/g, ' ').trim();
  return out;
}

/** Every pack with its policies, in pack order then policy name order. */
export function packListing(only?: PackName): { pack: PackName; default: boolean; policies: PolicyInfo[] }[] {
  return PACK_NAMES.filter((n) => only === undefined || n === only).map((pack) => ({
    pack,
    default: DEFAULT_PACKS.includes(pack),
    policies: PACKS[pack].map(info).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }));
}

function sourceText(p: LoadedPolicy): string {
  const s = PACK_SOURCES.find((x) => x.path === p.source);
  if (!s) throw new Error(`internal error: no source for ${p.source}`);
  return s.text;
}

function allPolicies(): Map<string, LoadedPolicy> {
  const m = new Map<string, LoadedPolicy>();
  for (const pack of PACK_NAMES) for (const p of PACKS[pack]) if (!m.has(p.name)) m.set(p.name, p);
  return m;
}

function renderList(listing: ReturnType<typeof packListing>): string {
  const out: string[] = [];
  for (const { pack, default: dflt, policies } of listing) {
    out.push(`${pack}${dflt ? ' (default)' : ''}: ${policies.length} policies`);
    const w = Math.max(...policies.map((p) => p.name.length));
    for (const p of policies) {
      out.push(`  ${p.name.padEnd(w)}  ${(p.severity ?? '-').padEnd(6)}  ${p.category ?? '-'}: ${p.title ?? ''}`);
      out.push(`  ${' '.repeat(w)}  rules: ${p.rules.join(', ')}`);
    }
    out.push('');
  }
  out.push('Show one: warden policies show NAME');
  return out.join('\n') + '\n';
}

export function policiesCommand(args: readonly string[], io: Io): number {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(POLICIES_HELP + '\n');
    return sub === undefined ? 2 : 0;
  }
  const fail = (msg: string) => {
    io.stderr(`warden policies: ${msg}\n`);
    return 2;
  };
  if (sub === 'list') {
    let pack: PackName | undefined;
    let format = 'text';
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      const eq = a.indexOf('=');
      const k = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
      if (k !== '--pack' && k !== '--format') return fail(`unknown option "${a}" (see warden policies --help)`);
      const v = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : rest[++i];
      if (v === undefined) return fail(`${k} needs a value`);
      if (k === '--format') {
        if (v !== 'text' && v !== 'json') return fail(`--format must be text or json (got "${v}")`);
        format = v;
      } else {
        if (!(PACK_NAMES as readonly string[]).includes(v)) return fail(`unknown pack "${v}" (known: ${PACK_NAMES.join(', ')})`);
        pack = v as PackName;
      }
    }
    const listing = packListing(pack);
    io.stdout(format === 'json' ? JSON.stringify(listing, null, 2) + '\n' : renderList(listing));
    return 0;
  }
  if (sub === 'show') {
    if (rest.length !== 1 || rest[0].startsWith('-')) return fail('give one policy or pack name: warden policies show NAME');
    const name = rest[0];
    if ((PACK_NAMES as readonly string[]).includes(name)) {
      const texts = PACKS[name as PackName].map(sourceText);
      io.stdout(texts.map((t) => (t.startsWith('---') ? t : '---\n' + t)).join(''));
      return 0;
    }
    const all = allPolicies();
    const p = all.get(name.replace(/\.ya?ml$/, '').split('/').pop() ?? name);
    if (!p) {
      const near = [...all.keys()].filter((n) => n.includes(name) || name.includes(n)).sort();
      return fail(`no built-in policy or pack named "${name}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}; see warden policies list`);
    }
    io.stdout(sourceText(p));
    return 0;
  }
  return fail(`unknown subcommand "${sub}" (list or show)`);
}
