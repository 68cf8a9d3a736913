import { describeOpenAIWire } from './openai-wire';

describeOpenAIWire('openai-chat', 'lean');
describeOpenAIWire('openai-chat', 'stock');
