import { anthropicWire } from '../support/model-wires';
import { describeModelWire } from './model-wire';

// A model with native structured output (output_config.format), and one without (a forced json tool).
describeModelWire(anthropicWire('claude-sonnet-4-5'));
describeModelWire(anthropicWire('claude-3-haiku-20240307'));
