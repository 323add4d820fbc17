// The Node.js globals firebreak's code uses (ESLint's no-undef), without a dependency on the `globals` package.
export default Object.fromEntries(
  [
    'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate',
    'structuredClone', 'TextEncoder', 'TextDecoder', 'SharedArrayBuffer', 'Atomics', 'performance', 'queueMicrotask', 'globalThis', 'fetch',
    'AbortController', 'AbortSignal', 'Headers', 'Response', 'Request', 'window', 'document',
  ].map((name) => [name, 'readonly']),
);
