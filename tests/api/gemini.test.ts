import { geminiWire } from '../support/model-wires';
import { describeModelWire } from './model-wire';

describeModelWire(geminiWire('gemini-2.5-flash'));
