/**
 *   node --require ./examples/register.js examples/platform-team/main.ts     # or cdktf synth with this as the app
 *   npx cdktf deploy '*-staging'                             # platform-staging, addons-staging, addons-config-staging
 */
import { App } from '../../lib';
import { platform } from './platform';

const app = new App();
platform(app);
app.synth();
