// The main example synthesized with the ledger at $SWITCHYARD_LEDGER (for .ci/release-lifecycle.js).
import { App } from '../lib';
import { shop } from '../examples/shop/shop';

const app = new App();
shop(app, { ledgerFile: process.env.SWITCHYARD_LEDGER });
app.synth();
