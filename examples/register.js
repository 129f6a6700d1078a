// The TypeScript runner of this repository's own programs (the examples, the benchmark, jest's global
// setup, the CI gate): the package's runner, `@switchyard-iac/cdktf/register` (register.js at the
// root), which users put in their cdktf.json. See its header.
//
//   node --require ./examples/register.js examples/shop/main.ts
'use strict';
require('../register.js');
