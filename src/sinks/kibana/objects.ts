/**
 * The Kibana saved objects of config/kibana/*.ndjson (Kibana 8 export format: a data view on
 * logs-goneaway.verdicts-*, saved searches, Lens visualizations and the "Who hung up?" dashboard),
 * read in file-name order so that every object comes after the objects it references.
 * `setup --kibana` POSTs importBody() to /api/saved_objects/_import?overwrite=true (multipart, one
 * NDJSON file; Kibana requires the kbn-xsrf header): docs/kibana-saved-objects.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { GoneawayError } from '../../errors.js';

export interface SavedObjectReference {
  id: string;
  name: string;
  type: string;
}

export interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: SavedObjectReference[];
  [key: string]: unknown;
}

/**
 * config/kibana of this package: the nearest folder above this module with a package.json (this module runs
 * from src/sinks/kibana, dist/src/sinks/kibana or a chunk of the CLI bundle in dist/bundle: package.json scripts)
 */
export function defaultObjectsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'config', 'kibana');
}

/** every object of every *.ndjson file in dir, in file-name then line order */
export function readSavedObjects(dir = defaultObjectsDir()): SavedObject[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.ndjson'))
      .sort();
  } catch (e) {
    throw new GoneawayError(
      'GA_ERR_FILE_UNREADABLE',
      `cannot read the Kibana objects in ${dir}: ${(e as Error).message}`,
      {
        value: dir,
        fix: 'reinstall goneaway (config/kibana/*.ndjson ships with it)',
      },
    );
  }
  const out: SavedObject[] = [];
  for (const f of files) {
    const lines = readFileSync(path.join(dir, f), 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (!l.trim()) return;
      let o: unknown;
      try {
        o = JSON.parse(l);
      } catch (e) {
        throw new GoneawayError('GA_ERR_FILE_UNREADABLE', `${f}:${i + 1} is not JSON: ${(e as Error).message}`, {
          value: path.join(dir, f),
          fix: 'restore the file from the goneaway package',
        });
      }
      out.push(o as SavedObject);
    });
  }
  return out;
}

/** the NDJSON text Kibana's import API takes */
export function toNdjson(objects: readonly SavedObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
}

/** the multipart body of POST /api/saved_objects/_import (one `file` part, as the Kibana UI sends it) */
export function importBody(objects: readonly SavedObject[] = readSavedObjects()): FormData {
  const form = new FormData();
  form.append('file', new Blob([toNdjson(objects)], { type: 'application/ndjson' }), 'goneaway-kibana.ndjson');
  return form;
}
