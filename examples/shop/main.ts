/**
 *   npm run synth               # cdktf synth: writes cdktf.out/stacks/*-{dev,staging,prod}
 *   npx cdktf deploy '*-dev'    # dev needs only a kubeconfig context
 */
import { App } from '../../lib';
import { shop } from './shop';

const app = new App();
shop(app);
app.synth();
