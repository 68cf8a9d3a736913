import { answerEndpoint } from '@/lib/http/stream-response';
import { eventsView } from '@/lib/protocols/envelope';

/** Pattern 3: every run event (parts, deltas, tool calls and results), then `event: result`. */
const handle = answerEndpoint('stream/events', eventsView);

export { handle as GET, handle as POST };
