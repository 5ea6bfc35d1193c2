/** Version of sgd-phase, recorded in every result (test/version.test.ts keeps it equal to package.json's). */
export const VERSION = "0.1.0";
