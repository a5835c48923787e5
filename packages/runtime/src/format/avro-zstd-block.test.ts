// Avro `zstandard` blocks (Java's ZstandardCodec: one zstd frame per block) read through the product's `read`: intact
// frames give the rows; a truncated or damaged frame is a FormatError naming the file and the block, never rows.
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import avsc from 'avsc'
import { describe, expect, it } from 'vitest'
import { FormatError } from '../errors/pf-error.js'
import { read } from '../frame/read-frame.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'

const tmp = useSharedTempDir('pf-avro-zstd-')

const schema = {
  type: 'record',
  name: 'P',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
}
const values = Array.from({ length: 200 }, (_, i) => ({ id: i * 1_000_003, name: `person ${i % 13}` }))

// Real compressed zstd frames of `values` encoded with `schema` (made by Node 24's zlib.zstdCompressSync, level 3):
// one declaring its content size, one without it and with a checksum (as zstd-jni's stream writes Java's blocks).
const DECLARED = Buffer.from(
  'KLUv/WCSCa0kAIRAABBwZXJzb24gMIaJejGMkvQBMpKb7gIzmKToAzSereIENaS23AU2qr/WBjewyNAHOLbRygg5vNrECRIxMMLj' +
    'vgoxyOy4CzLO9bIMEDDU/qwNMdqHpw4y4JChDzPmmZsQNOyilRE18quPEjb4tIkTN/69gxQ4hMf9OYrQ9xUSMTCQ2fEWMZbi6xcy' +
    'nOvlGBAwovTfGTGo/dkaMq6G1BsztI/OHDS6mMgdNcChwh42xqq8HzfMs7YgONK8sCE52MWqIhIxMN7OpCMx5NeeJDLq4JglEDDw' +
    '6ZImMfbyjCcy/PuGKDOChYEpNIiO+zWOl/UqNpSg7ys3mqnpLDigsuMtOaa73S4SMTCsxNcvMbLN0TAyuNbLMRAwvt/FMjHE6L8z' +
    'MsrxuTQz0PqzNTTWg642NdyMqDc24pWiODfonpw5OO6nljo59LCQOxIxMPq5ijwxgMOEPTKGzP49EDCM1fg+MZLe8j8ymOfsQDOe' +
    '8OZBNKT54EI1qoLbQzawi9VEN7aUz0U4vJ3JRjnCpsNHEjEwyK+9SDHOuLdJMtTBsUoQMNrKq0sx4NOlTDLm3J9NM+zlmU408u6T' +
    'TzX4941QNv6AiFE3hIqCUjiKk/w5kJz2UxIxMJal8FQxnK7qVTKit+RWEDCowN5XMa7J2FgytNLSWTO628xaNMDkxls1xu3AXDbM' +
    '9rpdN9L/tF442IivXznekalgEjEw5JqjYTHqo51iMvCsl2MQMPa1kWQx/L6LZTKCyIVmM4jR/zSO2vlnNZTj82g2muztaTeg9edq' +
    'OKb+4Ws5rIfcbBIxMLKQ1m0xuJnQbjK+ospvEDDEq8RwMcq0vnEy0L24cjPWxrJzNNzPrHQ14timdTbo4aB2N+7qmnc49POUeDn6' +
    '/I55EjEwgIaJejGGj4N7MoyY/XsQMJKh93wxmKrxfTKes+t+M6S85X80qsXfgDWwztmBNrbX04I3vODNgzjC6ceEOcjywYUBEjEw' +
    'zvu7hjHUhLaHMtqNsIgw4JaqiTHmn6SKMuyonosz8rGYjDT4upKNNf7DjI42hM2GjzeK1oCQOJDf+pA5luj0kTCc8e6SMaL66JMy' +
    'qIPjlDCujN2VMbSV15Yyup7RlzPAp8uYNMawxZk1zLm/mjbSwrmbN9jLs5w43tStnTnk3aeeMOrmoZ8x8O+boDL2+JWhMPyBkKIx' +
    'gouKozKIlISkM46d/jSUpvilNZqv8qY2oLjspzemweaoOKzK4Kk5stPaqjC43NSrMb7lzqwyxO7IrTDK98KuMdCAva8y1om3sDPc' +
    'krGxNOKbq7I16KSlszburZ+0N/S2mbU4+r+TtjmAyY23MIbSh7gxjNuBuTKS5Pu5MJjt9boxnvbvuzKk/+m8M6qI5L00gMeoEEZk' +
    '2w2AkyqtARCGyB77eKPZU1B6dIDXOh0lSAw5U8vlii4eVXS9CBIPa+A6DuMEySFnbvlMt5dfaHxWYs3HQMc9BZAwBJaabXiPinvc' +
    '60wA6RSE153h9TDWtIihAIAhsNRsw3tU3ONeLeR0RJWujgQwFoMm9zJwTwqLLyIVAjBEltox2O8vpg==',
  'base64',
)
const UNDECLARED = Buffer.from(
  'KLUv/QQQrSQAhEAAEHBlcnNvbiAwhol6MYyS9AEykpvuAjOYpOgDNJ6t4gQ1pLbcBTaqv9YGN7DI0Ac4ttHKCDm82sQJEjEwwuO+' +
    'CjHI7LgLMs71sgwQMNT+rA0x2oenDjLgkKEPM+aZmxA07KKVETXyq48SNvi0iRM3/r2DFDiEx/05itD3FRIxMJDZ8RYxluLrFzKc' +
    '6+UYEDCi9N8ZMaj92RoyrobUGzO0j84cNLqYyB01wKHCHjbGqrwfN8yztiA40rywITnYxaoiEjEw3s6kIzHk154kMurgmCUQMPDp' +
    'kiYx9vKMJzL8+4YoM4KFgSk0iI77NY6X9So2lKDvKzeaqeksOKCy4y05prvdLhIxMKzE1y8xss3RMDK41ssxEDC+38UyMcTovzMy' +
    'yvG5NDPQ+rM1NNaDrjY13IyoNzbilaI4N+ienDk47qeWOjn0sJA7EjEw+rmKPDGAw4Q9MobM/j0QMIzV+D4xkt7yPzKY5+xAM57w' +
    '5kE0pPngQjWqgttDNrCL1UQ3tpTPRTi8nclGOcKmw0cSMTDIr71IMc64t0ky1MGxShAw2sqrSzHg06VMMubcn00z7OWZTjTy7pNP' +
    'Nfj3jVA2/oCIUTeEioJSOIqT/DmQnPZTEjEwlqXwVDGcrupVMqK35FYQMKjA3lcxrsnYWDK00tJZM7rbzFo0wOTGWzXG7cBcNsz2' +
    'ul030v+0XjjYiK9fOd6RqWASMTDkmqNhMeqjnWIy8KyXYxAw9rWRZDH8votlMoLIhWYziNH/NI7a+Wc1lOPzaDaa7O1pN6D152o4' +
    'pv7hazmsh9xsEjEwspDWbTG4mdBuMr6iym8QMMSrxHAxyrS+cTLQvbhyM9bGsnM03M+sdDXi2KZ1NujhoHY37uqadzj085R4Ofr8' +
    'jnkSMTCAhol6MYaPg3syjJj9exAwkqH3fDGYqvF9Mp6z634zpLzlfzSqxd+ANbDO2YE2ttfTgje84M2DOMLpx4Q5yPLBhQESMTDO' +
    '+7uGMdSEtocy2o2wiDDglqqJMeafpIoy7KieizPysZiMNPi6ko01/sOMjjaEzYaPN4rWgJA4kN/6kDmW6PSRMJzx7pIxovrokzKo' +
    'g+OUMK6M3ZUxtJXXljK6ntGXM8Cny5g0xrDFmTXMub+aNtLCuZs32MuznDje1K2dOeTdp54w6uahnzHw75ugMvb4laEw/IGQojGC' +
    'i4qjMoiUhKQzjp3+NJSm+KU1mq/ypjaguOynN6bB5qg4rMrgqTmy09qqMLjc1KsxvuXOrDLE7sitMMr3wq4x0IC9rzLWibewM9yS' +
    'sbE04pursjXopKWzNu6tn7Q39LaZtTj6v5O2OYDJjbcwhtKHuDGM24G5MpLk+7kwmO31ujGe9u+7MqT/6bwzqojkvTSAx6gQRmTb' +
    'DYCTKq0BEIbIHvt4o9lTUHp0gNc6HSVIDDlTy+WKLh5VdL0IEg9r4DoO4wTJIWdu+Uy3l19ofFZizcdAxz0FkDAElppteI+Ke9zr' +
    'TADpFITXneH1MNa0iKEAgCGw1GzDe1Tc414t5HREla6OBDAWgyb3MnBPCosvIhUCMESW2jHY7y+m5r/8+A==',
  'base64',
)

/** Zig-zag varint of an Avro long. */
function long(n: number): Buffer {
  const out: number[] = []
  let z = n >= 0 ? n * 2 : -n * 2 - 1
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80)
    z = Math.floor(z / 0x80)
  }
  out.push(z)
  return Buffer.from(out)
}

/** An Avro container file with codec zstandard whose blocks are `frames` (each holding `count` records). */
async function zstdAvro(
  name: string,
  frames: readonly { count: number; frame: Uint8Array }[],
): Promise<string> {
  const sync = randomBytes(16)
  const parts: Uint8Array[] = [Buffer.from('Obj\x01', 'latin1'), long(2)]
  for (const [key, value] of [
    ['avro.schema', JSON.stringify(schema)],
    ['avro.codec', 'zstandard'],
  ] as const) {
    const k = Buffer.from(key)
    const v = Buffer.from(value)
    parts.push(long(k.length), k, long(v.length), v)
  }
  parts.push(long(0), sync)
  for (const { count, frame } of frames) parts.push(long(count), long(frame.length), frame, sync)
  const path = join(tmp.dir, name)
  await writeFile(path, Buffer.concat(parts))
  return path
}

/** A copy of `frame` with `edit` applied. */
function edited(frame: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(frame)
  edit(copy)
  return copy
}

async function readError(path: string): Promise<FormatError> {
  const error = await read(path)
    .then((frame) => frame.toRecords())
    .then(
      (rows) => new Error(`read ${rows.length} rows`),
      (caught: unknown) => caught,
    )
  expect(error).toBeInstanceOf(FormatError)
  return error as FormatError
}

describe('Avro zstandard blocks', () => {
  it('the embedded frames hold the records avsc encodes (the fixture is what it says)', () => {
    const type = avsc.Type.forSchema(schema as avsc.Schema)
    const encoded = Buffer.concat(values.map((v) => type.toBuffer(v)))
    expect(DECLARED.readUInt16LE(5)).toBe(encoded.length - 256) // 2-byte content size field, minus its 256 offset
    expect(DECLARED[4]! >> 6).toBe(1)
    expect(UNDECLARED[4]! >> 6).toBe(0)
  })

  it('reads the rows of intact frames, with or without a declared content size, over several blocks', async () => {
    const path = await zstdAvro('intact.avro', [
      { count: values.length, frame: DECLARED },
      { count: values.length, frame: UNDECLARED },
    ])
    expect(await (await read(path)).toRecords()).toEqual([...values, ...values])
  })

  it('refuses a frame truncated inside its block, naming the file and the block (no zero-padded rows)', async () => {
    for (const [label, frame] of [
      ['declared', DECLARED],
      ['undeclared', UNDECLARED],
    ] as const) {
      for (const cut of [1, 4, 200, frame.length - 8]) {
        const path = await zstdAvro(`cut-${label}-${cut}.avro`, [
          { count: values.length, frame: DECLARED },
          { count: values.length, frame: frame.subarray(0, frame.length - cut) },
        ])
        const error = await readError(path)
        expect(error.message).toContain(path)
        expect(error.message).toContain('block 1 (zstandard)')
      }
    }
  })

  it('refuses a damaged frame header: magic, a declared size that is not the content, a huge window or size', async () => {
    const damaged = {
      magic: edited(DECLARED, (f) => {
        f[0] = 0x29
      }),
      larger: edited(DECLARED, (f) => f.writeUInt16LE(f.readUInt16LE(5) + 1, 5)),
      smaller: edited(DECLARED, (f) => f.writeUInt16LE(f.readUInt16LE(5) - 1, 5)),
      // Window descriptor exponent 31 (2 GiB window): refused before anything that size is allocated.
      window: edited(UNDECLARED, (f) => {
        f[5] = 0xf8
      }),
      // An 8-byte content size of 2^40: refused, not allocated.
      huge: Buffer.concat([
        Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x00]),
        Buffer.from([0, 0, 0, 0, 0, 1, 0, 0]),
        UNDECLARED.subarray(6),
      ]),
    }
    for (const [label, frame] of Object.entries(damaged)) {
      const path = await zstdAvro(`header-${label}.avro`, [{ count: values.length, frame }])
      const error = await readError(path)
      expect(error.message).toContain(path)
      expect(error.message).toContain('block 0 (zstandard)')
    }
  })
})
