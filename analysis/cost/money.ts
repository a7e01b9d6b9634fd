import Decimal from 'decimal.js';
import { InputError } from '../input-error';

/** An exact decimal amount in one currency (never a binary float). */
export class Money {
  private constructor(
    readonly amount: Decimal,
    readonly currency: string,
  ) {}

  /** `Money.of('6.50', 'USD')`; the amount is a decimal string or a Decimal. */
  static of(amount: string | Decimal, currency: string): Money {
    if (!/^[A-Z]{3}$/.test(currency)) throw new InputError(`currency ${JSON.stringify(currency)} must be an ISO 4217 code such as "USD"`);
    let value: Decimal;
    try {
      value = new Decimal(amount);
    } catch {
      throw new InputError(`amount ${JSON.stringify(String(amount))} is not a decimal number; write it as a string like "6.50"`);
    }
    return new Money(value, currency);
  }

  /** Zero in `currency`. */
  static zero(currency: string): Money {
    return Money.of('0', currency);
  }

  plus(other: Money): Money {
    this.sameCurrency(other);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  minus(other: Money): Money {
    this.sameCurrency(other);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  /** Multiplied by an exact factor (a count, a decimal string). */
  times(factor: Decimal.Value): Money {
    return new Money(this.amount.times(factor), this.currency);
  }

  /** Rounded to cents (half-up), for display: `USD 1,234.57`. */
  format(): string {
    const rounded = this.amount.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const [whole, fraction] = rounded.abs().toFixed(2).split('.');
    const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${rounded.isNegative() ? '-' : ''}${this.currency} ${grouped}.${fraction}`;
  }

  /** `{ amount: "123.4567", currency: "USD" }`: the exact amount as a decimal string. */
  toJSON(): { amount: string; currency: string } {
    return { amount: this.amount.toFixed(), currency: this.currency };
  }

  private sameCurrency(other: Money): void {
    if (other.currency !== this.currency) throw new Error(`cannot combine ${this.currency} with ${other.currency}: convert first`);
  }
}
