import { openaiWire } from '../support/model-wires';
import { describeModelWire } from './model-wire';

describeModelWire(openaiWire('openai-chat', 'lean'));
describeModelWire(openaiWire('openai-chat', 'stock'));
