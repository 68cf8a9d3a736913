import { describeOpenAIWire } from './openai-wire';

describeOpenAIWire('openai', 'lean');
describeOpenAIWire('openai', 'stock');
