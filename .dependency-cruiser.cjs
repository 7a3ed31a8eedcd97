// dependency-cruiser's rules for lib/ (run by test/unit/import-cycles.test.ts):
// lib/ depends one way. Shared types sit in leaves (lifecycle/states.ts,
// manage/types.ts) so that no file reaches back to what loads it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle among lib/ files, type-only imports and lazy require() calls included: move the shared part to a leaf.',
      from: { path: '^lib/' },
      to: {
        circular: true,
        // The one known exception, by its three files: cli/main.ts -> cli/verbs.ts ->
        // manage/elevate-child.ts -> (a lazy require) cli/main.ts. The elevated process
        // runs a CLI request through the CLI's own main, and handleElevatedRequest() is
        // public (an Electron app calls it with no CLI at hand), so it cannot be handed
        // main. A cycle through any other file is still an error.
        viaSomeNot: '^lib/(cli/main|cli/verbs|manage/elevate-child)[.]ts$',
      },
    },
  ],
  options: {
    // Type-only imports are dependencies too: a cycle through them is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
