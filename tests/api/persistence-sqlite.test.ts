import { describePersistence } from './persistence';

describePersistence('sqlite');
