import * as fs from 'fs';

/** Removes the examples synthesized by global-setup.ts. */
export default function globalTeardown(): void {
  const dir = process.env.SWITCHYARD_EXAMPLES_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
