/** See dist-current.js: whether dist/ holds the code to run (no src/ changed since it was built). */
export declare function distIsCurrent(root: string): boolean;
