import { describeUsage } from './usage';

describeUsage('sqlite');
