// Packs the extension: one CommonJS file with the language client inside (VS Code loads `main` with require),
// and the TextMate grammar copied from schema/ (the one source of truth; no committed copy).
import { copyFile, mkdir } from 'node:fs/promises'
import { build } from 'esbuild'

const here = new URL('../', import.meta.url)
await mkdir(new URL('dist/syntaxes/', here), { recursive: true })
await copyFile(
  new URL('../../schema/pfschema.tmLanguage.json', here),
  new URL('dist/syntaxes/pfschema.tmLanguage.json', here),
)
await build({
  entryPoints: [new URL('src/extension.ts', here).pathname],
  outfile: new URL('dist/extension.cjs', here).pathname,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
})
