/** The pack's program proper, an ES module: index.ts loads it with tsx. */
import { PolicyPack } from '@pulumi/policy';
import { firebreakPolicies } from './policies.js';
import { keepSecrets } from './secrets.js';

keepSecrets();
new PolicyPack('firebreak', { policies: firebreakPolicies() });
