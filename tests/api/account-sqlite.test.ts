import { describeAccountDeletion } from './account';

describeAccountDeletion('sqlite');
