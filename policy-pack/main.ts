/** The pack's program proper, an ES module: index.ts loads it with tsx. */
import { PolicyPack } from '@pulumi/policy';
import { firebreakPolicies } from './policies.js';

new PolicyPack('firebreak', { policies: firebreakPolicies() });
