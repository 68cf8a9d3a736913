import { answerEndpoint } from '@/lib/http/stream-response';
import { textView } from '@/lib/protocols/envelope';

/** Pattern 1: `data: {"text": delta}` frames, then `event: done`. */
const handle = answerEndpoint('stream/text', textView);

export { handle as GET, handle as POST };
