import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EntityClass } from '@parquetframe/runtime'
import type { EntityIR } from '@parquetframe/runtime/schema'
import { ts } from 'ts-morph'
import { describe, expect, it } from 'vitest'
import { parseClasses } from './parse-classes.js'

// The static reading must mean what the runtime's decorators mean: run them on the same file and compare.
const fixture = join(import.meta.dirname, '__fixtures__', 'runnable-models.ts')

/**
 * Runs the fixture as tsc compiles it (standard decorators; vitest's transformer does not lower them), with
 * `@parquetframe/runtime` bound to the instance this test inspects.
 */
function runFixture(runtime: unknown): Record<string, unknown> {
  const out = ts.transpileModule(readFileSync(fixture, 'utf8'), {
    fileName: fixture,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  })
  const exports: Record<string, unknown> = {}
  const require = (id: string) => {
    if (id === '@parquetframe/runtime') return runtime
    throw new Error(`runnable-models.ts may import only the runtime, not ${id}`)
  }
  new Function('exports', 'require', out.outputText)(exports, require)
  return exports
}

/** An IR as the runtime builds it: no spans, and `references` left '' when not given. */
function comparable(entity: EntityIR, staticEntity: EntityIR | undefined): unknown {
  const plain = JSON.parse(JSON.stringify(entity, (k, v) => (k === 'span' ? undefined : v))) as EntityIR
  return {
    ...plain,
    relations: plain.relations.map((r, i) => ({
      ...r,
      references: r.references || (staticEntity?.relations[i]?.references ?? ''),
    })),
  }
}

describe('the static reading mirrors the runtime decorators', () => {
  it('gives the IR that running the decorators registers', async () => {
    const runtime = await import('@parquetframe/runtime')
    const { entryOf } = await import('@parquetframe/runtime/internal')
    const models = runFixture(runtime) as Record<string, EntityClass>
    const result = parseClasses(fixture)
    expect(result.diagnostics).toEqual([])
    const classes = ['MirrorAccount', 'MirrorOrder', 'MirrorItem', 'MirrorLine'].map((n) => {
      const cls = models[n]
      if (cls === undefined) throw new Error(`the fixture exports no ${n}`)
      return cls
    })
    expect(result.ir?.entities.map((e) => e.name)).toEqual(classes.map((c) => c.name))
    for (const cls of classes) {
      const staticEntity = result.ir?.entities.find((e) => e.name === cls.name)
      expect(comparable(staticEntity as EntityIR, staticEntity), cls.name).toEqual(
        comparable(runtime.entityIR(cls), staticEntity),
      )
    }
    const registered = entryOf(classes[0] as EntityClass).enums.get('Tier')
    expect(result.ir?.enums.map(({ span: _, ...e }) => e)).toEqual([registered])
  })
})
