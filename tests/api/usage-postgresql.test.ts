import { describeUsage } from './usage';

// Uses TEST_POSTGRES_URL (default: this machine's server); unreachable fails the run.
describeUsage('postgresql');
