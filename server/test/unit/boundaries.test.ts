// The production server is server/src alone: it imports packages and its own files, never the
// dev tooling (devkit/: the dev livekit-server launcher, ensure-livekit), the test kit
// (testkit/), tests, benchmarks or scripts. The console takes only types from the server.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const WEB_SRC = path.resolve(SRC, '../../web/src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

// `from '…'`, `import '…'` and `import('…')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

describe('server/src', () => {
  it('imports nothing outside server/src but packages', () => {
    const outside: string[] = [];
    for (const file of sourceFiles(SRC)) {
      for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
        if (!spec!.startsWith('.') && !path.isAbsolute(spec!)) continue; // a package (or node:)
        const target = path.resolve(path.dirname(file), spec!);
        if (path.relative(SRC, target).startsWith('..')) outside.push(`${path.relative(SRC, file)} → ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });
});

describe('web/src', () => {
  it('takes only types from the server (`import type`, erased by the bundler): no server code in the browser', () => {
    const valueImports: string[] = [];
    for (const file of sourceFiles(WEB_SRC)) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^(import|export)\b([^;]*?)from\s*['"]([^'"]*\/server\/[^'"]*)['"]/gms)) {
        if (!/^\s*type\b/.test(m[2]!)) valueImports.push(`${path.relative(WEB_SRC, file)} → ${m[3]}`);
      }
    }
    expect(valueImports).toEqual([]);
  });
});
