/** Types the Pulumi engine itself gives resources (not a provider's): the stack, stack references and providers. */

/** The root resource of every stack: `pulumi:pulumi:Stack`. */
export const STACK_TYPE = 'pulumi:pulumi:Stack';

/** A reference to another stack's outputs: `pulumi:pulumi:StackReference`. */
export const STACK_REFERENCE_TYPE = 'pulumi:pulumi:StackReference';

/** Provider resources are typed `pulumi:providers:<package>`. */
export const PROVIDER_TYPE_PREFIX = 'pulumi:providers:';

/** Whether a type is a provider resource's (`pulumi:providers:aws`). */
export function isProviderType(type: string): boolean {
  return type.startsWith(PROVIDER_TYPE_PREFIX);
}
