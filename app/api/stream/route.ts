import { answerEndpoint } from '@/lib/http/stream-response';
import { fullView } from '@/lib/protocols/envelope';

/** The guide's full application: text frames, `event: usage`, errors in the stream. */
const handle = answerEndpoint('stream', fullView);

export { handle as GET, handle as POST };
