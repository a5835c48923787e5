import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CheckpointFormatError } from './checkpoint-format-error.js'
import {
  decodeLastCheckpoint,
  encodeLastCheckpoint,
  type LastCheckpoint,
  lastCheckpointChecksum,
} from './last-checkpoint.js'

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')

describe('lastCheckpointChecksum', () => {
  it("gives the spec's checksum for the spec's sample", () => {
    const sample = JSON.parse(
      `{"k0":"'v 0'", "checksum": "adsaskfljadfkjadfkj", "k1":{"k2": 2, "k3": ["v3", [1, 2], {"k4": "v4", "k5": ["v5", "v6", "v7"]}]}}`,
    )
    expect(lastCheckpointChecksum(sample)).toBe('6a92d155a59bf2eecbd4b4ec7fd1f875')
  })

  it('percent-encodes every UTF-8 byte but unreserved ones, sorts by path and skips empty containers', () => {
    expect(lastCheckpointChecksum({ b: "*~!'()é", a: { x: [] }, c: {}, d: null, e: true })).toBe(
      md5('"b"="%2A~%21%27%28%29%C3%A9","d"=null,"e"=true'),
    )
  })

  it('leaves out only the top-level checksum', () => {
    expect(lastCheckpointChecksum({ v: 1, checksum: 'x', n: { checksum: 'y' } })).toBe(
      md5('"n"+"checksum"="y","v"=1'),
    )
  })

  it('has no checksum for a lone surrogate', () => {
    expect(lastCheckpointChecksum({ v: '\ud800' })).toBeUndefined()
  })
})

describe('encodeLastCheckpoint / decodeLastCheckpoint', () => {
  const full: LastCheckpoint = {
    version: 10,
    size: 13,
    parts: 2,
    sizeInBytes: 16_479,
    numOfAddFiles: 6,
    checkpointSchema: {
      type: 'struct',
      fields: [{ name: 'add', type: 'string', nullable: true, metadata: {} }],
    },
    tags: { 'pf.writer': 'parquetframe 0.2 — ü' },
  }

  it('round-trips every field, with a checksum readers can check', () => {
    const text = encodeLastCheckpoint(full)
    expect(JSON.parse(text).checksum).toMatch(/^[0-9a-f]{32}$/)
    expect(decodeLastCheckpoint(text)).toStrictEqual({ ok: true, value: full })
    expect(decodeLastCheckpoint(encodeLastCheckpoint({ version: 0, size: 2 }))).toStrictEqual({
      ok: true,
      value: { version: 0, size: 2 },
    })
  })

  it('reads a pointer without checksum (older writers) and ignores unknown fields', () => {
    expect(decodeLastCheckpoint('{"version":3,"size":10,"v2Checkpoint":{"path":"x"}}')).toStrictEqual({
      ok: true,
      value: { version: 3, size: 10 },
    })
  })

  it("reads a V2 checkpoint's file name when it is a UUID-named checkpoint of the version", () => {
    const path = '00000000000000000003.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json'
    const text = (p: string) =>
      JSON.stringify({ version: 3, size: 10, v2Checkpoint: { path: p, sizeInBytes: 1 } })
    expect(decodeLastCheckpoint(text(path))).toStrictEqual({
      ok: true,
      value: { version: 3, size: 10, v2Checkpoint: { path } },
    })
    // Another version's checkpoint, or a path into another folder, is no pointer to follow.
    for (const other of [path.replace('03.', '04.'), `../${path}`])
      expect(decodeLastCheckpoint(text(other))).toStrictEqual({ ok: true, value: { version: 3, size: 10 } })
  })

  it.each([
    ['', 'empty'],
    ['{"version":10,"si', 'not valid JSON (truncated or damaged)'],
    ['[10]', 'not a JSON object'],
    ['{"size":13}', 'version is missing'],
    ['{"version":10}', 'size is missing'],
    ['{"version":-1,"size":1}', 'version is -1, not a count'],
    ['{"version":"10","size":1}', 'version is "10", not a count'],
    ['{"version":1.5,"size":1}', 'version is 1.5, not a count'],
    ['{"version":1,"size":1,"parts":0}', 'parts is 0'],
    ['{"version":1,"size":1,"tags":{"a":1}}', 'tags is not a string map'],
    ['{"version":1,"size":1,"checkpointSchema":"struct"}', 'checkpointSchema is not an object'],
  ])('refuses %j: %s', (text, problem) => {
    expect(decodeLastCheckpoint(text)).toStrictEqual({ ok: false, problem })
  })

  it('refuses a pointer whose content no longer matches its checksum', () => {
    const damaged = encodeLastCheckpoint(full).replace('"version":10', '"version":11')
    const read = decodeLastCheckpoint(damaged)
    expect(read.ok).toBe(false)
    expect(read.ok ? '' : read.problem).toMatch(/^checksum "[0-9a-f]{32}" does not match the content/)
  })

  it('refuses to write a count that is not one', () => {
    expect(() => encodeLastCheckpoint({ version: 2 ** 53, size: 1 })).toThrow(CheckpointFormatError)
    expect(() => encodeLastCheckpoint({ version: 1, size: -1 })).toThrow(
      'Delta checkpoint _last_checkpoint, size: expected a count, got -1',
    )
  })
})
