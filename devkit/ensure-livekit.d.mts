// Types for the plain-ESM helper shared by `npm start`, `npm test`, `npm run bench`, the test kit and CI.
export declare const LIVEKIT_VERSION: string;
export declare const LIVEKIT_GO_PACKAGE: string;
export declare function livekitVersionOf(bin: string): { isLivekit: boolean; version: string | null; raw: string } | null;
export declare function findOrInstallLivekit(opts?: { log?: (msg: string) => void; install?: boolean }): Promise<string>;
