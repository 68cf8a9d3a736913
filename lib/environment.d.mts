export function dropBlankValues(env?: Record<string, string | undefined>): void;
export function loadEnvironment(dir: string, dev: boolean): void;
export function invalidSetting(setting: string, rule: string): string;
