import { createIdGenerator } from 'ai';

/** The id of a new stored message: made by the store, the chat turns and the AG-UI thread merge alike. */
export const newMessageId = createIdGenerator({ prefix: 'msg', size: 16 });
