import { describeOpenAIWire } from './openai-wire';

describeOpenAIWire('openai-chat');
