// The zod that generated code validates with. Generated modules import `z` from here rather than from 'zod', so an
// app needs no zod of its own, and one at another major version (zod 3) cannot be picked up by mistake.
export { z } from 'zod'
export { pfz } from './entity/scalar-zod.js'
