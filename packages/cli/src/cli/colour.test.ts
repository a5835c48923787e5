import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import { captureIo } from '../testing/capture-io.js'
import { runPf } from '../testing/spawn-pf.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'
import { colourEnabled } from './colour.js'

const ESC = '\x1b'
const RED = `${ESC}[1;31m`
const BROKEN = 'entity User {\n  id Int @id\n  name Strin\n}\n'

let project: TempProject | undefined
afterEach(async () => {
  await project?.dispose()
  project = undefined
})

describe('colourEnabled', () => {
  const tty = { write: () => {}, isTTY: true }
  const pipe = { write: () => {}, isTTY: false }
  it('colours a terminal only, unless NO_COLOR, TERM=dumb or FORCE_COLOR say otherwise', () => {
    expect(colourEnabled(tty, {})).toBe(true)
    expect(colourEnabled(pipe, {})).toBe(false)
    expect(colourEnabled(tty, { NO_COLOR: '1' })).toBe(false)
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true)
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false)
    expect(colourEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true)
    expect(colourEnabled(pipe, { FORCE_COLOR: '' })).toBe(true)
    expect(colourEnabled(tty, { FORCE_COLOR: '0' })).toBe(false)
    expect(colourEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true)
  })
})

describe('pf on a terminal', () => {
  it('colours errors, diagnostic severities and hints on a terminal; plain when piped or with NO_COLOR', async () => {
    project = await tempProject({ 'schema.pfschema': BROKEN })
    const tty = captureIo(project.dir, {}, { tty: true })
    expect(await main(['validate'], tty)).toBe(1)
    expect(tty.err()).toContain(`${RED}error\x1b[22;39m: `)
    expect(tty.err()).toMatch(new RegExp(`schema\\.pfschema:3:8: ${ESC}\\[1;31merror${ESC}\\[22;39m PF\\d+:`))
    expect(tty.err()).toContain('\x1b[36mhint\x1b[39m:')

    const noColor = captureIo(project.dir, { NO_COLOR: '1' }, { tty: true })
    expect(await main(['validate'], noColor)).toBe(1)
    const piped = captureIo(project.dir)
    expect(await main(['validate'], piped)).toBe(1)
    for (const plain of [noColor.err(), piped.err()]) {
      expect(plain).not.toContain('\x1b[')
      expect(plain).toMatch(/^error: /m)
    }
    // Colour only adds escapes: without them the text is the same.
    expect(tty.err().replace(new RegExp(`${ESC}\\[[\\d;]*m`, 'g'), '')).toBe(piped.err())
  })

  it('the real binary: plain into a pipe, coloured with FORCE_COLOR', async () => {
    project = await tempProject()
    const plain = await runPf(['valdate'], { cwd: project.dir })
    expect(plain.stderr).toBe(
      'error: Unknown command "valdate". Did you mean "pf validate"?\nRun "pf --help" for usage.\n',
    )
    const forced = await runPf(['valdate'], { cwd: project.dir, env: { FORCE_COLOR: '1' } })
    expect(forced.stderr.startsWith(`${RED}error\x1b[22;39m: Unknown command "valdate".`)).toBe(true)
  }, 60_000)
})
