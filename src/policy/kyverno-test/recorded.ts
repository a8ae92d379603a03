// A TestFs that answers from a record of another TestFs's answers. The host (Node) runs a test
// file once through `recordingFs`, which notes every directory listing, file text and error the
// runner asked for; the record travels as JSON into plugin.wasm (which has no file access),
// where `replayFs` answers the same questions the same way. So the runner inside the plugin
// sees exactly what it saw in Node, and any difference in the results is the engine's.

import type { TestFs } from './types';

export interface FsRecord {
  /** Directory → its entries, in the order they were listed. */
  dirs: Record<string, { name: string; dir: boolean }[]>;
  files: Record<string, string>;
  /** Path → the message of the error reading it threw. */
  errors: Record<string, string>;
}

export function emptyRecord(): FsRecord {
  return { dirs: {}, files: {}, errors: {} };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Wraps `fs`, writing every answer (and every error) into `record`. */
export function recordingFs(fs: TestFs, record: FsRecord): TestFs {
  return {
    list(dir) {
      try {
        const entries = fs.list(dir);
        record.dirs[dir] = entries.map((e) => ({ name: e.name, dir: e.dir }));
        return entries;
      } catch (e) {
        record.errors[`list:${dir}`] = errorText(e);
        throw e;
      }
    },
    read(file) {
      try {
        const text = fs.read(file);
        record.files[file] = text;
        return text;
      } catch (e) {
        record.errors[`read:${file}`] = errorText(e);
        throw e;
      }
    },
  };
}

/** Answers from `record`; a question the record does not hold is an error that says so. */
export function replayFs(record: FsRecord): TestFs {
  const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  return {
    list(dir) {
      if (has(record.dirs, dir)) return record.dirs[dir].map((e) => ({ name: e.name, dir: e.dir }));
      throw new Error(has(record.errors, `list:${dir}`) ? record.errors[`list:${dir}`] : `not recorded: directory ${dir}`);
    },
    read(file) {
      if (has(record.files, file)) return record.files[file];
      throw new Error(has(record.errors, `read:${file}`) ? record.errors[`read:${file}`] : `not recorded: file ${file}`);
    },
  };
}
