// Exact sums of decimal amounts. FOCUS lines carry up to 11 decimals (0.00001605990) and vendors send thousands of
// them; rounding each line (to 1e-8, say) or adding doubles drifts. Each amount is read from its decimal text into a
// BigInt at a common scale, so the sum is exact; only the final result becomes a double (the nearest one).
// Hand-written because the few lines needed do not justify a decimal library dependency in core paths.

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export class DecimalSum {
  private units = 0n;
  private scale = 0;

  /** Adds a decimal number or its text ("123.45", "-0.000008", "1e-7"); false when the text is not a decimal. */
  add(v: number | string): boolean {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v.trim();
    const m = DECIMAL.exec(s);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return false;
    const [, sign, int, frac = '', exp = '0'] = m;
    // digits × 10^(exp − frac.length)
    let digits = BigInt(`${int || '0'}${frac}`);
    let scale = frac.length - Number(exp);
    if (scale < 0) {
      digits *= 10n ** BigInt(-scale);
      scale = 0;
    }
    if (scale > this.scale) {
      this.units *= 10n ** BigInt(scale - this.scale);
      this.scale = scale;
    } else if (scale < this.scale) digits *= 10n ** BigInt(this.scale - scale);
    this.units += sign === '-' ? -digits : digits;
    return true;
  }

  /** The exact sum as decimal text. */
  toString(): string {
    const neg = this.units < 0n;
    const abs = (neg ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const int = abs.slice(0, abs.length - this.scale);
    const frac = this.scale ? abs.slice(-this.scale).replace(/0+$/, '') : '';
    return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
  }

  /** The double nearest the exact sum. */
  value(): number {
    return Number(this.toString());
  }
}
