import * as fs from 'fs';

/** Removes the run's temporary folder (global-setup.ts): the examples and every folder the tests made. */
export default function globalTeardown(): void {
  const dir = process.env.SWITCHYARD_TEST_TMP;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
