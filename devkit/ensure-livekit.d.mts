// Types for the plain-ESM helper shared by the start script, the server, tests and benchmarks.
export declare const LIVEKIT_VERSION: string;
export declare const LIVEKIT_GO_PACKAGE: string;
export declare function livekitVersionOf(bin: string): string | null;
export declare function findOrInstallLivekit(opts?: { log?: (msg: string) => void; install?: boolean }): Promise<string>;
