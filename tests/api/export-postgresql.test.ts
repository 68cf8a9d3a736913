import { describeExport } from './export';

// Uses TEST_POSTGRES_URL (default: this machine's server); unreachable fails the run.
describeExport('postgresql');
