import { describeExport } from './export';

describeExport('sqlite');
