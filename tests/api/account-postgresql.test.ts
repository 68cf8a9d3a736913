import { describeAccountDeletion } from './account';

// Uses TEST_POSTGRES_URL (default: this machine's server); unreachable fails the run.
describeAccountDeletion('postgresql');
