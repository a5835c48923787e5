import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { ENGINE_INFO } from './engine-info.js'

describe('engineInfo', () => {
  it("names the runtime package's version", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(ENGINE_INFO).toBe(`parquetframe/${pkg.version}`)
  })
})
