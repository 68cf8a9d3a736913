export declare function dataDir(env: Record<string, string | undefined>): string;
export declare function databaseUrl(env: Record<string, string | undefined>): string;
export declare function isPostgres(url: string): boolean;
export declare function sqliteFile(url: string): string | undefined;
export declare const DATABASE_URL_RULE: string;
export declare function isDatabaseUrl(url: string): boolean;
