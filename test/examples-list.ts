import { payments } from '../examples/app-team/payments';
import { platform } from '../examples/platform-team/platform';
import { shop } from '../examples/shop/shop';
import type { App } from '../lib';

/** Every example, by folder name, as its main.ts declares it. */
export const EXAMPLES: Readonly<Record<string, (app: App) => void>> = {
  'app-team': (app) => payments(app),
  'platform-team': (app) => platform(app),
  shop: (app) => shop(app),
};
