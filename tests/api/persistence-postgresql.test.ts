import { describePersistence } from './persistence';

// Uses TEST_POSTGRES_URL (default: this machine's server); unreachable fails the run.
describePersistence('postgresql');
