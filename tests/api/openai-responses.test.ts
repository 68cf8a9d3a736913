import { openaiWire } from '../support/model-wires';
import { describeModelWire } from './model-wire';

describeModelWire(openaiWire('openai', 'lean'));
describeModelWire(openaiWire('openai', 'stock'));
