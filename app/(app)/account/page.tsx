import { cookies } from 'next/headers';
import { AccountView } from '@/components/account/account-view';
import { pageSession } from '@/lib/auth/options';
import { THEME_COOKIE, themeOf } from '@/lib/theme';

export const metadata = { title: 'Account · Streamwright' };

export default async function AccountPage() {
  const session = await pageSession();
  const theme = themeOf((await cookies()).get(THEME_COOKIE)?.value);
  return <AccountView email={session?.user?.email ?? ''} theme={theme} />;
}
