/** The sandbox account's payment methods (Billing.V1.PaymentMethod.*) and what paying with each does. */

export interface PaymentMethodResource {
  id: number;
  name: string;
  identifier: string;
  payment_method: string;
  is_default: boolean;
  is_expired: boolean;
  is_suspended: boolean;
  created_at: string;
  expires_at: string;
}

/**
 * completes: the order is paid at once.
 * needsCardVerification: a 3-D Secure check the API cannot pass; the order waits for payment.
 * expired: the order is refused with a 422.
 */
export type PaymentBehaviour = 'completes' | 'needsCardVerification' | 'expired';

export interface SandboxPaymentMethod {
  resource: PaymentMethodResource;
  behaviour: PaymentBehaviour;
  /**
   * Whether a payment with it can be left waiting (the order awaiting payment, no subscription yet): any card
   * can be asked for 3-D Secure by its issuer; a saved PayPal agreement is charged with no step for the buyer.
   */
  mayBeLeftPending: boolean;
}

const SANDBOX_PAYMENT_METHODS: readonly SandboxPaymentMethod[] = [
  {
    behaviour: 'completes',
    mayBeLeftPending: true,
    resource: {
      id: 1327362,
      name: 'Credit Card',
      identifier: '4242*****4242',
      payment_method: 'card',
      is_default: true,
      is_expired: false,
      is_suspended: false,
      created_at: '2024-03-12T09:15:41Z',
      expires_at: '2029-12-31T23:59:59Z',
    },
  },
  {
    behaviour: 'completes',
    mayBeLeftPending: false,
    resource: {
      id: 1327363,
      name: 'PayPal',
      identifier: 'john@doe.tld',
      payment_method: 'paypal',
      is_default: false,
      is_expired: false,
      is_suspended: false,
      created_at: '2024-05-02T14:03:09Z',
      expires_at: '2034-05-02T14:03:09Z',
    },
  },
  {
    behaviour: 'needsCardVerification',
    mayBeLeftPending: true,
    resource: {
      id: 1327364,
      name: 'Credit Card (3-D Secure)',
      identifier: '4000*****3220',
      payment_method: 'card',
      is_default: false,
      is_expired: false,
      is_suspended: false,
      created_at: '2024-07-19T08:44:27Z',
      expires_at: '2030-06-30T23:59:59Z',
    },
  },
  {
    behaviour: 'expired',
    mayBeLeftPending: true,
    resource: {
      id: 1327365,
      name: 'Credit Card',
      identifier: '5555*****4444',
      payment_method: 'card',
      is_default: false,
      is_expired: true,
      is_suspended: false,
      created_at: '2021-01-08T10:21:55Z',
      expires_at: '2024-01-31T23:59:59Z',
    },
  },
];

export const PAYMENT_METHODS: readonly PaymentMethodResource[] = SANDBOX_PAYMENT_METHODS.map(({ resource }) => resource);

export function findPaymentMethod(id: number): SandboxPaymentMethod | undefined {
  return SANDBOX_PAYMENT_METHODS.find(({ resource }) => resource.id === id);
}

const defaultMethod = PAYMENT_METHODS.find((method) => method.is_default);
if (!defaultMethod) throw new Error('the sandbox payment methods need a default one');

/** The method an order without `payment_method_id` is paid with. */
export const DEFAULT_PAYMENT_METHOD_ID: number = defaultMethod.id;
