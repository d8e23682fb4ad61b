// A shopping cart with discounts.
export class Cart {
  constructor(taxRate = 0.2) {
    this.lines = new Map();
    this.taxRate = taxRate;
  }

  add(sku, price, quantity = 1) {
    const line = this.lines.get(sku) || { price, quantity: 0 };
    line.quantity += quantity;
    this.lines.set(sku, line);
    return this;
  }

  subtotal() {
    let total = 0;
    for (const { price, quantity } of this.lines.values()) {
      total += price * quantity;
    }
    return total;
  }

  total(discount = 0) {
    const net = this.subtotal() * (1 - discount);
    return Math.round(net * (1 + this.taxRate) * 100) / 100;
  }
}

export function cheapest(carts) {
  return carts.reduce((best, cart) => (cart.total() < best.total() ? cart : best));
}
