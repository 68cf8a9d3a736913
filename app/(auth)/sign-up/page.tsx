import { SignUpForm } from '@/components/auth/sign-up-form';

export const metadata = { title: 'Create an account · Streamwright' };

export default function SignUpPage() {
  return <SignUpForm />;
}
