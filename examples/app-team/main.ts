/**
 *   node --require ./examples/register.js examples/app-team/main.ts     # or cdktf synth with this as the app
 *   npx cdktf deploy payments-staging                     # after the platform team deployed *-staging
 */
import { App } from '../../lib';
import { payments } from './payments';

const app = new App();
payments(app);
app.synth();
